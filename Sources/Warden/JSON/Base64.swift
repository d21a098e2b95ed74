/// Standard base64 (RFC 4648 §4, `+` `/`, with `=` padding).
package enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0–63 for an alphabet byte, 0xFF otherwise.
    private static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (k, c) in alphabet.enumerated() { t[Int(c)] = UInt8(k) }
        return t
    }()

    package static func encode(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var k = 0
        while k < b.count {
            let remaining = b.count - k
            let b0 = UInt32(b[k])
            let b1 = remaining > 1 ? UInt32(b[k + 1]) : 0
            let b2 = remaining > 2 ? UInt32(b[k + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(v >> 18 & 0x3F)])
            out.append(alphabet[Int(v >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(v >> 6 & 0x3F)] : 0x3D)
            out.append(remaining > 2 ? alphabet[Int(v & 0x3F)] : 0x3D)
            k += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical padded base64; nil for anything else (bad length, characters,
    /// misplaced padding, or nonzero bits in the padding).
    package static func decode(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 4 * 3)
        var k = 0
        while k < u.count {
            let last = k + 4 == u.count
            let pad = last ? (u[k + 3] == 0x3D ? (u[k + 2] == 0x3D ? 2 : 1) : 0) : 0
            var v: UInt32 = 0
            for m in 0..<(4 - pad) {
                let d = decodeTable[Int(u[k + m])]
                guard d != 0xFF else { return nil }
                v = v << 6 | UInt32(d)
            }
            switch pad {
            case 0:
                out.append(UInt8(v >> 16 & 0xFF))
                out.append(UInt8(v >> 8 & 0xFF))
                out.append(UInt8(v & 0xFF))
            case 1:  // 18 bits: 2 bytes + 2 zero bits
                guard v & 0x3 == 0 else { return nil }
                out.append(UInt8(v >> 10 & 0xFF))
                out.append(UInt8(v >> 2 & 0xFF))
            default:  // 12 bits: 1 byte + 4 zero bits
                guard v & 0xF == 0 else { return nil }
                out.append(UInt8(v >> 4 & 0xFF))
            }
            k += 4
        }
        return out
    }
}
