;; SHA-384 and SHA-256 (FIPS 180-4) for hosts that run WebAssembly: deep hashes are made of many
;; SHA-384s of short inputs, ids and hash chains of SHA-256s, and in JavaScript each call's
;; set-up (and SHA-384's emulated 64-bit arithmetic) is their cost (src/crypto/hash.ts).
;; sha2.wasm is this text assembled by `npm run wasm`; test/layout/wasm.test.ts checks that it is,
;; test/core/crypto/sha2-wasm.test.ts that its hashes are SHA-384's and SHA-256's.
;;
;; Memory (one page). SHA-384: K, the 80 round constants, at 0; the state H at 640; the message
;; schedule W at 704. The digest, big-endian, at 1344 (either hash). SHA-256: its constants K256
;; at 1408, state H256 at 1664, schedule W256 at 1696. The input from IN (2048) to the end.
(module
  (memory (export "memory") 1)
  (global $K i32 (i32.const 0))
  (global $H i32 (i32.const 640))
  (global $W i32 (i32.const 704))
  (global $OUT i32 (i32.const 1344))
  (global $K256 i32 (i32.const 1408))
  (global $H256 i32 (i32.const 1664))
  (global $W256 i32 (i32.const 1696))
  (global $IN (export "input") i32 (i32.const 2048))

  (func $constants
    (i64.store offset=0 (i32.const 0) (i64.const 0x428a2f98d728ae22)) (i64.store offset=8 (i32.const 0) (i64.const 0x7137449123ef65cd))
    (i64.store offset=16 (i32.const 0) (i64.const 0xb5c0fbcfec4d3b2f)) (i64.store offset=24 (i32.const 0) (i64.const 0xe9b5dba58189dbbc))
    (i64.store offset=32 (i32.const 0) (i64.const 0x3956c25bf348b538)) (i64.store offset=40 (i32.const 0) (i64.const 0x59f111f1b605d019))
    (i64.store offset=48 (i32.const 0) (i64.const 0x923f82a4af194f9b)) (i64.store offset=56 (i32.const 0) (i64.const 0xab1c5ed5da6d8118))
    (i64.store offset=64 (i32.const 0) (i64.const 0xd807aa98a3030242)) (i64.store offset=72 (i32.const 0) (i64.const 0x12835b0145706fbe))
    (i64.store offset=80 (i32.const 0) (i64.const 0x243185be4ee4b28c)) (i64.store offset=88 (i32.const 0) (i64.const 0x550c7dc3d5ffb4e2))
    (i64.store offset=96 (i32.const 0) (i64.const 0x72be5d74f27b896f)) (i64.store offset=104 (i32.const 0) (i64.const 0x80deb1fe3b1696b1))
    (i64.store offset=112 (i32.const 0) (i64.const 0x9bdc06a725c71235)) (i64.store offset=120 (i32.const 0) (i64.const 0xc19bf174cf692694))
    (i64.store offset=128 (i32.const 0) (i64.const 0xe49b69c19ef14ad2)) (i64.store offset=136 (i32.const 0) (i64.const 0xefbe4786384f25e3))
    (i64.store offset=144 (i32.const 0) (i64.const 0x0fc19dc68b8cd5b5)) (i64.store offset=152 (i32.const 0) (i64.const 0x240ca1cc77ac9c65))
    (i64.store offset=160 (i32.const 0) (i64.const 0x2de92c6f592b0275)) (i64.store offset=168 (i32.const 0) (i64.const 0x4a7484aa6ea6e483))
    (i64.store offset=176 (i32.const 0) (i64.const 0x5cb0a9dcbd41fbd4)) (i64.store offset=184 (i32.const 0) (i64.const 0x76f988da831153b5))
    (i64.store offset=192 (i32.const 0) (i64.const 0x983e5152ee66dfab)) (i64.store offset=200 (i32.const 0) (i64.const 0xa831c66d2db43210))
    (i64.store offset=208 (i32.const 0) (i64.const 0xb00327c898fb213f)) (i64.store offset=216 (i32.const 0) (i64.const 0xbf597fc7beef0ee4))
    (i64.store offset=224 (i32.const 0) (i64.const 0xc6e00bf33da88fc2)) (i64.store offset=232 (i32.const 0) (i64.const 0xd5a79147930aa725))
    (i64.store offset=240 (i32.const 0) (i64.const 0x06ca6351e003826f)) (i64.store offset=248 (i32.const 0) (i64.const 0x142929670a0e6e70))
    (i64.store offset=256 (i32.const 0) (i64.const 0x27b70a8546d22ffc)) (i64.store offset=264 (i32.const 0) (i64.const 0x2e1b21385c26c926))
    (i64.store offset=272 (i32.const 0) (i64.const 0x4d2c6dfc5ac42aed)) (i64.store offset=280 (i32.const 0) (i64.const 0x53380d139d95b3df))
    (i64.store offset=288 (i32.const 0) (i64.const 0x650a73548baf63de)) (i64.store offset=296 (i32.const 0) (i64.const 0x766a0abb3c77b2a8))
    (i64.store offset=304 (i32.const 0) (i64.const 0x81c2c92e47edaee6)) (i64.store offset=312 (i32.const 0) (i64.const 0x92722c851482353b))
    (i64.store offset=320 (i32.const 0) (i64.const 0xa2bfe8a14cf10364)) (i64.store offset=328 (i32.const 0) (i64.const 0xa81a664bbc423001))
    (i64.store offset=336 (i32.const 0) (i64.const 0xc24b8b70d0f89791)) (i64.store offset=344 (i32.const 0) (i64.const 0xc76c51a30654be30))
    (i64.store offset=352 (i32.const 0) (i64.const 0xd192e819d6ef5218)) (i64.store offset=360 (i32.const 0) (i64.const 0xd69906245565a910))
    (i64.store offset=368 (i32.const 0) (i64.const 0xf40e35855771202a)) (i64.store offset=376 (i32.const 0) (i64.const 0x106aa07032bbd1b8))
    (i64.store offset=384 (i32.const 0) (i64.const 0x19a4c116b8d2d0c8)) (i64.store offset=392 (i32.const 0) (i64.const 0x1e376c085141ab53))
    (i64.store offset=400 (i32.const 0) (i64.const 0x2748774cdf8eeb99)) (i64.store offset=408 (i32.const 0) (i64.const 0x34b0bcb5e19b48a8))
    (i64.store offset=416 (i32.const 0) (i64.const 0x391c0cb3c5c95a63)) (i64.store offset=424 (i32.const 0) (i64.const 0x4ed8aa4ae3418acb))
    (i64.store offset=432 (i32.const 0) (i64.const 0x5b9cca4f7763e373)) (i64.store offset=440 (i32.const 0) (i64.const 0x682e6ff3d6b2b8a3))
    (i64.store offset=448 (i32.const 0) (i64.const 0x748f82ee5defb2fc)) (i64.store offset=456 (i32.const 0) (i64.const 0x78a5636f43172f60))
    (i64.store offset=464 (i32.const 0) (i64.const 0x84c87814a1f0ab72)) (i64.store offset=472 (i32.const 0) (i64.const 0x8cc702081a6439ec))
    (i64.store offset=480 (i32.const 0) (i64.const 0x90befffa23631e28)) (i64.store offset=488 (i32.const 0) (i64.const 0xa4506cebde82bde9))
    (i64.store offset=496 (i32.const 0) (i64.const 0xbef9a3f7b2c67915)) (i64.store offset=504 (i32.const 0) (i64.const 0xc67178f2e372532b))
    (i64.store offset=512 (i32.const 0) (i64.const 0xca273eceea26619c)) (i64.store offset=520 (i32.const 0) (i64.const 0xd186b8c721c0c207))
    (i64.store offset=528 (i32.const 0) (i64.const 0xeada7dd6cde0eb1e)) (i64.store offset=536 (i32.const 0) (i64.const 0xf57d4f7fee6ed178))
    (i64.store offset=544 (i32.const 0) (i64.const 0x06f067aa72176fba)) (i64.store offset=552 (i32.const 0) (i64.const 0x0a637dc5a2c898a6))
    (i64.store offset=560 (i32.const 0) (i64.const 0x113f9804bef90dae)) (i64.store offset=568 (i32.const 0) (i64.const 0x1b710b35131c471b))
    (i64.store offset=576 (i32.const 0) (i64.const 0x28db77f523047d84)) (i64.store offset=584 (i32.const 0) (i64.const 0x32caab7b40c72493))
    (i64.store offset=592 (i32.const 0) (i64.const 0x3c9ebe0a15c9bebc)) (i64.store offset=600 (i32.const 0) (i64.const 0x431d67c49c100d4c))
    (i64.store offset=608 (i32.const 0) (i64.const 0x4cc5d4becb3e42b6)) (i64.store offset=616 (i32.const 0) (i64.const 0x597f299cfc657e2a))
    (i64.store offset=624 (i32.const 0) (i64.const 0x5fcb6fab3ad6faec)) (i64.store offset=632 (i32.const 0) (i64.const 0x6c44198c4a475817))
    (i32.store offset=1408 (i32.const 0) (i32.const 0x428a2f98)) (i32.store offset=1412 (i32.const 0) (i32.const 0x71374491)) (i32.store offset=1416 (i32.const 0) (i32.const 0xb5c0fbcf)) (i32.store offset=1420 (i32.const 0) (i32.const 0xe9b5dba5))
    (i32.store offset=1424 (i32.const 0) (i32.const 0x3956c25b)) (i32.store offset=1428 (i32.const 0) (i32.const 0x59f111f1)) (i32.store offset=1432 (i32.const 0) (i32.const 0x923f82a4)) (i32.store offset=1436 (i32.const 0) (i32.const 0xab1c5ed5))
    (i32.store offset=1440 (i32.const 0) (i32.const 0xd807aa98)) (i32.store offset=1444 (i32.const 0) (i32.const 0x12835b01)) (i32.store offset=1448 (i32.const 0) (i32.const 0x243185be)) (i32.store offset=1452 (i32.const 0) (i32.const 0x550c7dc3))
    (i32.store offset=1456 (i32.const 0) (i32.const 0x72be5d74)) (i32.store offset=1460 (i32.const 0) (i32.const 0x80deb1fe)) (i32.store offset=1464 (i32.const 0) (i32.const 0x9bdc06a7)) (i32.store offset=1468 (i32.const 0) (i32.const 0xc19bf174))
    (i32.store offset=1472 (i32.const 0) (i32.const 0xe49b69c1)) (i32.store offset=1476 (i32.const 0) (i32.const 0xefbe4786)) (i32.store offset=1480 (i32.const 0) (i32.const 0x0fc19dc6)) (i32.store offset=1484 (i32.const 0) (i32.const 0x240ca1cc))
    (i32.store offset=1488 (i32.const 0) (i32.const 0x2de92c6f)) (i32.store offset=1492 (i32.const 0) (i32.const 0x4a7484aa)) (i32.store offset=1496 (i32.const 0) (i32.const 0x5cb0a9dc)) (i32.store offset=1500 (i32.const 0) (i32.const 0x76f988da))
    (i32.store offset=1504 (i32.const 0) (i32.const 0x983e5152)) (i32.store offset=1508 (i32.const 0) (i32.const 0xa831c66d)) (i32.store offset=1512 (i32.const 0) (i32.const 0xb00327c8)) (i32.store offset=1516 (i32.const 0) (i32.const 0xbf597fc7))
    (i32.store offset=1520 (i32.const 0) (i32.const 0xc6e00bf3)) (i32.store offset=1524 (i32.const 0) (i32.const 0xd5a79147)) (i32.store offset=1528 (i32.const 0) (i32.const 0x06ca6351)) (i32.store offset=1532 (i32.const 0) (i32.const 0x14292967))
    (i32.store offset=1536 (i32.const 0) (i32.const 0x27b70a85)) (i32.store offset=1540 (i32.const 0) (i32.const 0x2e1b2138)) (i32.store offset=1544 (i32.const 0) (i32.const 0x4d2c6dfc)) (i32.store offset=1548 (i32.const 0) (i32.const 0x53380d13))
    (i32.store offset=1552 (i32.const 0) (i32.const 0x650a7354)) (i32.store offset=1556 (i32.const 0) (i32.const 0x766a0abb)) (i32.store offset=1560 (i32.const 0) (i32.const 0x81c2c92e)) (i32.store offset=1564 (i32.const 0) (i32.const 0x92722c85))
    (i32.store offset=1568 (i32.const 0) (i32.const 0xa2bfe8a1)) (i32.store offset=1572 (i32.const 0) (i32.const 0xa81a664b)) (i32.store offset=1576 (i32.const 0) (i32.const 0xc24b8b70)) (i32.store offset=1580 (i32.const 0) (i32.const 0xc76c51a3))
    (i32.store offset=1584 (i32.const 0) (i32.const 0xd192e819)) (i32.store offset=1588 (i32.const 0) (i32.const 0xd6990624)) (i32.store offset=1592 (i32.const 0) (i32.const 0xf40e3585)) (i32.store offset=1596 (i32.const 0) (i32.const 0x106aa070))
    (i32.store offset=1600 (i32.const 0) (i32.const 0x19a4c116)) (i32.store offset=1604 (i32.const 0) (i32.const 0x1e376c08)) (i32.store offset=1608 (i32.const 0) (i32.const 0x2748774c)) (i32.store offset=1612 (i32.const 0) (i32.const 0x34b0bcb5))
    (i32.store offset=1616 (i32.const 0) (i32.const 0x391c0cb3)) (i32.store offset=1620 (i32.const 0) (i32.const 0x4ed8aa4a)) (i32.store offset=1624 (i32.const 0) (i32.const 0x5b9cca4f)) (i32.store offset=1628 (i32.const 0) (i32.const 0x682e6ff3))
    (i32.store offset=1632 (i32.const 0) (i32.const 0x748f82ee)) (i32.store offset=1636 (i32.const 0) (i32.const 0x78a5636f)) (i32.store offset=1640 (i32.const 0) (i32.const 0x84c87814)) (i32.store offset=1644 (i32.const 0) (i32.const 0x8cc70208))
    (i32.store offset=1648 (i32.const 0) (i32.const 0x90befffa)) (i32.store offset=1652 (i32.const 0) (i32.const 0xa4506ceb)) (i32.store offset=1656 (i32.const 0) (i32.const 0xbef9a3f7)) (i32.store offset=1660 (i32.const 0) (i32.const 0xc67178f2)))
  (start $constants)

  ;; ## SHA-384

  ;; Starts a new hash: H is SHA-384's initial value.
  (func $init384 (export "init384")
    (i64.store offset=640 (i32.const 0) (i64.const 0xcbbb9d5dc1059ed8)) (i64.store offset=648 (i32.const 0) (i64.const 0x629a292a367cd507))
    (i64.store offset=656 (i32.const 0) (i64.const 0x9159015a3070dd17)) (i64.store offset=664 (i32.const 0) (i64.const 0x152fecd8f70e5939))
    (i64.store offset=672 (i32.const 0) (i64.const 0x67332667ffc00b31)) (i64.store offset=680 (i32.const 0) (i64.const 0x8eb44a8768581511))
    (i64.store offset=688 (i32.const 0) (i64.const 0xdb0c2e0d64f98fa7)) (i64.store offset=696 (i32.const 0) (i64.const 0x47b5481dbefa4fa4)))

  (func $bswap (param $x i64) (result i64)
    (local.set $x (i64.or (i64.shl (i64.and (local.get $x) (i64.const 0x00ff00ff00ff00ff)) (i64.const 8))
                          (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00ff00ff00ff00ff))))
    (local.set $x (i64.or (i64.shl (i64.and (local.get $x) (i64.const 0x0000ffff0000ffff)) (i64.const 16))
                          (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 0x0000ffff0000ffff))))
    (i64.rotl (local.get $x) (i64.const 32)))

  ;; Folds `count` 128-byte blocks starting at `at` into H.
  (func $compress384 (export "compress384") (param $at i32) (param $count i32)
    (local $t i32) (local $w i32)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local $x i64) (local $y i64) (local $t1 i64) (local $t2 i64)
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $count)))
        ;; W[0..15]: the block's words, big-endian.
        (local.set $t (i32.const 0))
        (loop $load
          (i64.store (i32.add (global.get $W) (local.get $t))
            (call $bswap (i64.load (i32.add (local.get $at) (local.get $t)))))
          (br_if $load (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 128))))
        ;; W[16..79]: σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]
        (loop $expand
          (local.set $w (i32.add (global.get $W) (local.get $t)))
          (local.set $x (i64.load (i32.sub (local.get $w) (i32.const 16))))
          (local.set $y (i64.load (i32.sub (local.get $w) (i32.const 120))))
          (i64.store (local.get $w)
            (i64.add
              (i64.add
                (i64.xor (i64.xor (i64.rotr (local.get $x) (i64.const 19)) (i64.rotr (local.get $x) (i64.const 61))) (i64.shr_u (local.get $x) (i64.const 6)))
                (i64.load (i32.sub (local.get $w) (i32.const 56))))
              (i64.add
                (i64.xor (i64.xor (i64.rotr (local.get $y) (i64.const 1)) (i64.rotr (local.get $y) (i64.const 8))) (i64.shr_u (local.get $y) (i64.const 7)))
                (i64.load (i32.sub (local.get $w) (i32.const 128))))))
          (br_if $expand (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 640))))
        (local.set $a (i64.load offset=0 (global.get $H)))
        (local.set $b (i64.load offset=8 (global.get $H)))
        (local.set $c (i64.load offset=16 (global.get $H)))
        (local.set $d (i64.load offset=24 (global.get $H)))
        (local.set $e (i64.load offset=32 (global.get $H)))
        (local.set $f (i64.load offset=40 (global.get $H)))
        (local.set $g (i64.load offset=48 (global.get $H)))
        (local.set $h (i64.load offset=56 (global.get $H)))
        (local.set $t (i32.const 0))
        (loop $round
          ;; T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
          (local.set $t1
            (i64.add
              (i64.add (local.get $h)
                (i64.xor (i64.xor (i64.rotr (local.get $e) (i64.const 14)) (i64.rotr (local.get $e) (i64.const 18))) (i64.rotr (local.get $e) (i64.const 41))))
              (i64.add
                (i64.xor (i64.and (local.get $e) (local.get $f)) (i64.and (i64.xor (local.get $e) (i64.const -1)) (local.get $g)))
                (i64.add (i64.load (i32.add (global.get $K) (local.get $t))) (i64.load (i32.add (global.get $W) (local.get $t)))))))
          ;; T2 = Σ0(a) + Maj(a, b, c)
          (local.set $t2
            (i64.add
              (i64.xor (i64.xor (i64.rotr (local.get $a) (i64.const 28)) (i64.rotr (local.get $a) (i64.const 34))) (i64.rotr (local.get $a) (i64.const 39)))
              (i64.xor (i64.xor (i64.and (local.get $a) (local.get $b)) (i64.and (local.get $a) (local.get $c))) (i64.and (local.get $b) (local.get $c)))))
          (local.set $h (local.get $g))
          (local.set $g (local.get $f))
          (local.set $f (local.get $e))
          (local.set $e (i64.add (local.get $d) (local.get $t1)))
          (local.set $d (local.get $c))
          (local.set $c (local.get $b))
          (local.set $b (local.get $a))
          (local.set $a (i64.add (local.get $t1) (local.get $t2)))
          (br_if $round (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 640))))
        (i64.store offset=0 (global.get $H) (i64.add (i64.load offset=0 (global.get $H)) (local.get $a)))
        (i64.store offset=8 (global.get $H) (i64.add (i64.load offset=8 (global.get $H)) (local.get $b)))
        (i64.store offset=16 (global.get $H) (i64.add (i64.load offset=16 (global.get $H)) (local.get $c)))
        (i64.store offset=24 (global.get $H) (i64.add (i64.load offset=24 (global.get $H)) (local.get $d)))
        (i64.store offset=32 (global.get $H) (i64.add (i64.load offset=32 (global.get $H)) (local.get $e)))
        (i64.store offset=40 (global.get $H) (i64.add (i64.load offset=40 (global.get $H)) (local.get $f)))
        (i64.store offset=48 (global.get $H) (i64.add (i64.load offset=48 (global.get $H)) (local.get $g)))
        (i64.store offset=56 (global.get $H) (i64.add (i64.load offset=56 (global.get $H)) (local.get $h)))
        (local.set $at (i32.add (local.get $at) (i32.const 128)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $block))))

  ;; Pads the last `tail` bytes at IN of an input of `total` bytes (0x80, zeros, the length in bits
  ;; big-endian), folds them in and writes the digest, H[0..5] big-endian, at OUT, which it returns.
  ;; The caller keeps tail + 17 within the page.
  (func $finish384 (export "finish384") (param $tail i32) (param $total f64) (result i32)
    (local $end i32) (local $t i32)
    (i32.store8 (i32.add (global.get $IN) (local.get $tail)) (i32.const 0x80))
    (local.set $end (i32.add (global.get $IN) (i32.and (i32.add (local.get $tail) (i32.const 144)) (i32.const -128))))
    (memory.fill (i32.add (global.get $IN) (i32.add (local.get $tail) (i32.const 1))) (i32.const 0)
      (i32.sub (i32.sub (local.get $end) (global.get $IN)) (i32.add (local.get $tail) (i32.const 9))))
    (i64.store (i32.sub (local.get $end) (i32.const 8)) (call $bswap (i64.shl (i64.trunc_f64_u (local.get $total)) (i64.const 3))))
    (call $compress384 (global.get $IN) (i32.shr_u (i32.sub (local.get $end) (global.get $IN)) (i32.const 7)))
    (loop $word
      (i64.store (i32.add (global.get $OUT) (local.get $t)) (call $bswap (i64.load (i32.add (global.get $H) (local.get $t)))))
      (br_if $word (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 48))))
    (global.get $OUT))

  ;; The whole SHA-384 of `length` bytes at IN (length + 17 within the page).
  (func (export "hash384") (param $length i32) (result i32)
    (call $init384)
    (call $finish384 (local.get $length) (f64.convert_i32_u (local.get $length))))

  ;; ## SHA-256

  (func $init256 (export "init256")
    (i32.store offset=1664 (i32.const 0) (i32.const 0x6a09e667)) (i32.store offset=1668 (i32.const 0) (i32.const 0xbb67ae85)) (i32.store offset=1672 (i32.const 0) (i32.const 0x3c6ef372)) (i32.store offset=1676 (i32.const 0) (i32.const 0xa54ff53a))
    (i32.store offset=1680 (i32.const 0) (i32.const 0x510e527f)) (i32.store offset=1684 (i32.const 0) (i32.const 0x9b05688c)) (i32.store offset=1688 (i32.const 0) (i32.const 0x1f83d9ab)) (i32.store offset=1692 (i32.const 0) (i32.const 0x5be0cd19)))

  (func $bswap32 (param $x i32) (result i32)
    (i32.rotl
      (i32.or (i32.shl (i32.and (local.get $x) (i32.const 0x00ff00ff)) (i32.const 8))
              (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff)))
      (i32.const 16)))

  ;; Folds `count` 64-byte blocks starting at `at` into H256.
  (func $compress256 (export "compress256") (param $at i32) (param $count i32)
    (local $t i32) (local $w i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $x i32) (local $y i32) (local $t1 i32) (local $t2 i32)
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $count)))
        ;; W[0..15]: the block's words, big-endian.
        (local.set $t (i32.const 0))
        (loop $load
          (i32.store (i32.add (global.get $W256) (local.get $t))
            (call $bswap32 (i32.load (i32.add (local.get $at) (local.get $t)))))
          (br_if $load (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 64))))
        ;; W[16..63]: σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]
        (loop $expand
          (local.set $w (i32.add (global.get $W256) (local.get $t)))
          (local.set $x (i32.load (i32.sub (local.get $w) (i32.const 8))))
          (local.set $y (i32.load (i32.sub (local.get $w) (i32.const 60))))
          (i32.store (local.get $w)
            (i32.add
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $x) (i32.const 17)) (i32.rotr (local.get $x) (i32.const 19))) (i32.shr_u (local.get $x) (i32.const 10)))
                (i32.load (i32.sub (local.get $w) (i32.const 28))))
              (i32.add
                (i32.xor (i32.xor (i32.rotr (local.get $y) (i32.const 7)) (i32.rotr (local.get $y) (i32.const 18))) (i32.shr_u (local.get $y) (i32.const 3)))
                (i32.load (i32.sub (local.get $w) (i32.const 64))))))
          (br_if $expand (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 256))))
        (local.set $a (i32.load offset=0 (global.get $H256)))
        (local.set $b (i32.load offset=4 (global.get $H256)))
        (local.set $c (i32.load offset=8 (global.get $H256)))
        (local.set $d (i32.load offset=12 (global.get $H256)))
        (local.set $e (i32.load offset=16 (global.get $H256)))
        (local.set $f (i32.load offset=20 (global.get $H256)))
        (local.set $g (i32.load offset=24 (global.get $H256)))
        (local.set $h (i32.load offset=28 (global.get $H256)))
        (local.set $t (i32.const 0))
        (loop $round
          ;; T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
          (local.set $t1
            (i32.add
              (i32.add (local.get $h)
                (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11))) (i32.rotr (local.get $e) (i32.const 25))))
              (i32.add
                (i32.xor (i32.and (local.get $e) (local.get $f)) (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
                (i32.add (i32.load (i32.add (global.get $K256) (local.get $t))) (i32.load (i32.add (global.get $W256) (local.get $t)))))))
          ;; T2 = Σ0(a) + Maj(a, b, c)
          (local.set $t2
            (i32.add
              (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13))) (i32.rotr (local.get $a) (i32.const 22)))
              (i32.xor (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c))) (i32.and (local.get $b) (local.get $c)))))
          (local.set $h (local.get $g))
          (local.set $g (local.get $f))
          (local.set $f (local.get $e))
          (local.set $e (i32.add (local.get $d) (local.get $t1)))
          (local.set $d (local.get $c))
          (local.set $c (local.get $b))
          (local.set $b (local.get $a))
          (local.set $a (i32.add (local.get $t1) (local.get $t2)))
          (br_if $round (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 256))))
        (i32.store offset=0 (global.get $H256) (i32.add (i32.load offset=0 (global.get $H256)) (local.get $a)))
        (i32.store offset=4 (global.get $H256) (i32.add (i32.load offset=4 (global.get $H256)) (local.get $b)))
        (i32.store offset=8 (global.get $H256) (i32.add (i32.load offset=8 (global.get $H256)) (local.get $c)))
        (i32.store offset=12 (global.get $H256) (i32.add (i32.load offset=12 (global.get $H256)) (local.get $d)))
        (i32.store offset=16 (global.get $H256) (i32.add (i32.load offset=16 (global.get $H256)) (local.get $e)))
        (i32.store offset=20 (global.get $H256) (i32.add (i32.load offset=20 (global.get $H256)) (local.get $f)))
        (i32.store offset=24 (global.get $H256) (i32.add (i32.load offset=24 (global.get $H256)) (local.get $g)))
        (i32.store offset=28 (global.get $H256) (i32.add (i32.load offset=28 (global.get $H256)) (local.get $h)))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $block))))

  ;; As finish384, for SHA-256: pads (0x80, zeros, the length in bits as 64 bits big-endian), folds in
  ;; and writes the 32-byte digest at OUT, which it returns. The caller keeps tail + 9 within the page.
  (func $finish256 (export "finish256") (param $tail i32) (param $total f64) (result i32)
    (local $end i32) (local $t i32)
    (i32.store8 (i32.add (global.get $IN) (local.get $tail)) (i32.const 0x80))
    (local.set $end (i32.add (global.get $IN) (i32.and (i32.add (local.get $tail) (i32.const 72)) (i32.const -64))))
    (memory.fill (i32.add (global.get $IN) (i32.add (local.get $tail) (i32.const 1))) (i32.const 0)
      (i32.sub (i32.sub (local.get $end) (global.get $IN)) (i32.add (local.get $tail) (i32.const 9))))
    (i64.store (i32.sub (local.get $end) (i32.const 8)) (call $bswap (i64.shl (i64.trunc_f64_u (local.get $total)) (i64.const 3))))
    (call $compress256 (global.get $IN) (i32.shr_u (i32.sub (local.get $end) (global.get $IN)) (i32.const 6)))
    (loop $word
      (i32.store (i32.add (global.get $OUT) (local.get $t)) (call $bswap32 (i32.load (i32.add (global.get $H256) (local.get $t)))))
      (br_if $word (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 32))))
    (global.get $OUT))

  ;; The whole SHA-256 of `length` bytes at IN (length + 9 within the page).
  (func (export "hash256") (param $length i32) (result i32)
    (call $init256)
    (call $finish256 (local.get $length) (f64.convert_i32_u (local.get $length)))))
