;; y = b + x @ W for one Dense layer, in float32 with 4-wide SIMD (ui/plane/decoder.js's fast path).
;; W is (n, m) row-major; m must be a multiple of 4 (decoder.js pads every layer's outputs to one); all pointers are byte offsets, 16-aligned.
;; Inputs that are exactly 0 (after a relu, most) are skipped. Rebuild: see ui/plane/decoder.js.
(module
  (memory (export "mem") 1)
  (func (export "dense") (param $x i32) (param $n i32) (param $w i32) (param $b i32) (param $m i32) (param $y i32)
    (local $j i32) (local $end i32) (local $xe i32) (local $v f32) (local $xi v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 2))))
    ;; y = b
    (local.set $j (local.get $y))
    (block $done (loop $copy
      (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
      (v128.store (local.get $j) (v128.load (i32.add (local.get $b) (i32.sub (local.get $j) (local.get $y)))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $copy)))
    ;; for each input i: y += x[i] * W[i, :]
    (local.set $xe (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_u (local.get $x) (local.get $xe)))
      (local.set $v (f32.load (local.get $x)))
      (if (f32.ne (local.get $v) (f32.const 0))
        (then
          (local.set $xi (f32x4.splat (local.get $v)))
          (local.set $j (local.get $y))
          (block $jdone (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $end)))
            (v128.store (local.get $j)
              (f32x4.add (v128.load (local.get $j))
                         (f32x4.mul (local.get $xi) (v128.load (local.get $w)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (br $jloop))))
        (else (local.set $w (i32.add (local.get $w) (i32.shl (local.get $m) (i32.const 2))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $iloop)))))
