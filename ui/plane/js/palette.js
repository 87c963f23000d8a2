// One colour per class, the one list of them: the live plane's modules import it, and ui/plane/picture.py
// (the still picture) reads its colours from this file, so a class keeps its colour whatever the model or
// page. Tableau 10 (= D3 category10) for the first ten, its light partners next, then golden-angle hues at
// three lightnesses: 64 in all, a user's data set's limit (model/datasets/bounds.py).
export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
  "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#9c3e16", "#33cc8e", "#d963e9", "#7c8f24",
  "#2086df", "#db708a", "#169c1d", "#6733cc", "#e9b863", "#248f87", "#df20b5", "#a5db70",
  "#16319c", "#cc4133", "#63e996", "#6c248f", "#dfd920", "#70bfdb", "#9c1652", "#4bcc33",
  "#7563e9", "#8f5224", "#20dfa9", "#db70da", "#749c16", "#3371cc", "#e96372", "#248f37",
  "#7a20df", "#dbc270", "#16959c", "#cc3397", "#93e963", "#242b8f", "#df4a20", "#70dba7",
  "#82169c", "#bdcc33", "#63b5e9", "#8f2446", "#25df20", "#8c70db", "#9c6116", "#33ccb5",
];
