"""Background training: a child process per training, reporting progress through a pipe."""
