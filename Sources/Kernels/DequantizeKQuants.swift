// Dequantization of the 256-element super-block formats Q2_K..Q6_K and Q8_K, bit-exact with
// ggml's dequantize_row_q{2,3,4,5,6,8}_K (ggml/src/ggml-quants.c; layouts in ggml-common.h).
import GGUF

extension Dequantize {
    /// block_q2_K (84 bytes): scales[16] (low nibble: scale, high nibble: min), qs[64] (2-bit),
    /// d, dmin (fp16). Each 128-element half reads 32 bytes of qs four times (bit shifts 0, 2, 4,
    /// 6); each 16 elements have their own scale byte. value = d*scale*q - dmin*min.
    static func q2_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 84
            let d = half[Int(x.littleEndianUInt16(at: 80))]
            let dmin = half[Int(x.littleEndianUInt16(at: 82))]
            var out = y + block * 256
            var scaleIndex = 0
            for halfBlock in 0..<2 {
                let qs = 16 + 32 * halfBlock                 // byte offset of this half's quants
                for shift in stride(from: 0, to: 8, by: 2) {
                    for part in 0..<2 {                      // bytes 0..15, then 16..31
                        let scaleByte = x.byte(at: scaleIndex)
                        scaleIndex += 1
                        let scale = d * Float(scaleByte & 0x0F)
                        let minimum = dmin * Float(scaleByte >> 4)
                        for l in 0..<16 {
                            let q = (x.byte(at: qs + 16 * part + l) >> UInt8(shift)) & 3
                            out[l] = scale * Float(q) - minimum
                        }
                        out += 16
                    }
                }
            }
        }
    }

    /// block_q3_K (110 bytes): hmask[32] (high bits), qs[64] (low 2 bits), scales[12] (sixteen
    /// 6-bit scales, offset by 32), d (fp16). A cleared hmask bit subtracts 4 from the quant.
    static func q3_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 110
            let d = half[Int(x.littleEndianUInt16(at: 108))]
            var out = y + block * 256
            var scaleIndex = 0
            var maskBit: UInt8 = 1
            for halfBlock in 0..<2 {
                let qs = 32 + 32 * halfBlock
                for shift in stride(from: 0, to: 8, by: 2) {
                    for part in 0..<2 {
                        let scale = d * Float(q3_KScale(x + 96, scaleIndex) - 32)
                        scaleIndex += 1
                        for l in 0..<16 {
                            let low = Int((x.byte(at: qs + 16 * part + l) >> UInt8(shift)) & 3)
                            let highSet = x.byte(at: 16 * part + l) & maskBit != 0
                            out[l] = scale * Float(low - (highSet ? 0 : 4))
                        }
                        out += 16
                    }
                    maskBit <<= 1
                }
            }
        }
    }

    /// Scale `index` (0..<16) of a Q3_K block, 0...63: its low 4 bits are the low (index < 8)
    /// or high nibble of byte index % 8; its high 2 bits sit in byte 8 + index % 4 at bit
    /// 2 * (index / 4).
    static func q3_KScale(_ scales: UnsafeRawPointer, _ index: Int) -> Int {
        let lowByte = scales.byte(at: index % 8)
        let low = index < 8 ? lowByte & 0x0F : lowByte >> 4
        let high = (scales.byte(at: 8 + index % 4) >> UInt8(2 * (index / 4))) & 3
        return Int(low | high << 4)
    }

    /// Scale and min `index` (0..<8) of a Q4_K / Q5_K block, each 6 bits, packed in 12 bytes:
    /// 0..3 in the low 6 bits of bytes 0..3 (scales) and 4..7 (mins); 4..7 in the nibbles of
    /// bytes 8..11 plus the top 2 bits of bytes 0..3 (scales) and 4..7 (mins).
    static func kScaleAndMin(_ scales: UnsafeRawPointer, _ index: Int) -> (scale: UInt8, min: UInt8) {
        if index < 4 {
            return (scales.byte(at: index) & 63, scales.byte(at: index + 4) & 63)
        }
        let packed = scales.byte(at: index + 4)
        let scale = (packed & 0x0F) | (scales.byte(at: index - 4) >> 6) << 4
        let minimum = (packed >> 4) | (scales.byte(at: index) >> 6) << 4
        return (scale, minimum)
    }

    /// block_q4_K (144 bytes): d, dmin (fp16), scales[12], qs[128]. Each 64 elements read 32
    /// bytes: low nibbles (sub-block 2i) then high nibbles (2i+1). value = d*scale*q - dmin*min.
    static func q4_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 144
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            let dmin = half[Int(x.littleEndianUInt16(at: 2))]
            var out = y + block * 256
            for chunk in 0..<4 {
                let qs = 16 + 32 * chunk
                let (lowScale, lowMin) = kScaleAndMin(x + 4, 2 * chunk)
                let (highScale, highMin) = kScaleAndMin(x + 4, 2 * chunk + 1)
                let scale1 = d * Float(lowScale), min1 = dmin * Float(lowMin)
                let scale2 = d * Float(highScale), min2 = dmin * Float(highMin)
                for l in 0..<32 {
                    out[l] = scale1 * Float(x.byte(at: qs + l) & 0x0F) - min1
                }
                for l in 0..<32 {
                    out[32 + l] = scale2 * Float(x.byte(at: qs + l) >> 4) - min2
                }
                out += 64
            }
        }
    }

    /// block_q5_K (176 bytes): d, dmin (fp16), scales[12], qh[32], qs[128]. As Q4_K, plus a
    /// fifth bit (worth 16) from qh: bit 2i for sub-block 2i, bit 2i+1 for sub-block 2i+1.
    static func q5_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 176
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            let dmin = half[Int(x.littleEndianUInt16(at: 2))]
            var out = y + block * 256
            for chunk in 0..<4 {
                let qs = 48 + 32 * chunk
                let lowBit = UInt8(1) << UInt8(2 * chunk), highBit = UInt8(2) << UInt8(2 * chunk)
                let (lowScale, lowMin) = kScaleAndMin(x + 4, 2 * chunk)
                let (highScale, highMin) = kScaleAndMin(x + 4, 2 * chunk + 1)
                let scale1 = d * Float(lowScale), min1 = dmin * Float(lowMin)
                let scale2 = d * Float(highScale), min2 = dmin * Float(highMin)
                for l in 0..<32 {
                    let fifth = x.byte(at: 16 + l) & lowBit != 0 ? 16 : 0
                    out[l] = scale1 * Float(Int(x.byte(at: qs + l) & 0x0F) + fifth) - min1
                }
                for l in 0..<32 {
                    let fifth = x.byte(at: 16 + l) & highBit != 0 ? 16 : 0
                    out[32 + l] = scale2 * Float(Int(x.byte(at: qs + l) >> 4) + fifth) - min2
                }
                out += 64
            }
        }
    }

    /// block_q6_K (210 bytes): ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8),
    /// d (fp16). Per 128-element half: element l + 32k takes nibble k/2 of ql[l + 32(k%2)] and
    /// bits 2k..2k+1 of qh[l]; value = d * scale * (6-bit number - 32).
    static func q6_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 210
            let d = half[Int(x.littleEndianUInt16(at: 208))]
            for halfBlock in 0..<2 {
                let ql = 64 * halfBlock, qh = 128 + 32 * halfBlock, scales = 192 + 8 * halfBlock
                let out = y + block * 256 + 128 * halfBlock
                for l in 0..<32 {
                    let high = x.byte(at: qh + l)
                    let lowA = x.byte(at: ql + l), lowB = x.byte(at: ql + 32 + l)
                    let q1 = Int((lowA & 0x0F) | (high & 3) << 4) - 32
                    let q2 = Int((lowB & 0x0F) | ((high >> 2) & 3) << 4) - 32
                    let q3 = Int((lowA >> 4) | ((high >> 4) & 3) << 4) - 32
                    let q4 = Int((lowB >> 4) | ((high >> 6) & 3) << 4) - 32
                    let scale = l / 16
                    out[l] = d * Float(x.signedByte(at: scales + scale)) * Float(q1)
                    out[l + 32] = d * Float(x.signedByte(at: scales + scale + 2)) * Float(q2)
                    out[l + 64] = d * Float(x.signedByte(at: scales + scale + 4)) * Float(q3)
                    out[l + 96] = d * Float(x.signedByte(at: scales + scale + 6)) * Float(q4)
                }
            }
        }
    }

    /// block_q8_K (292 bytes): d (f32), qs[256] (int8), bsums[16] (int16, unused here);
    /// value = d * q.
    static func q8_K(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 292
            let d = Float(bitPattern: x.littleEndianUInt32(at: 0))
            let out = y + block * 256
            for j in 0..<256 {
                out[j] = d * Float(x.signedByte(at: 4 + j))
            }
        }
    }
}
