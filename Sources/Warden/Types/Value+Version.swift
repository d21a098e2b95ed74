// A dotted numeric version (`Value.Version`), compared component by component.

extension Value {
    /// A dotted numeric version such as `13.0.2`. Missing components compare as 0.
    public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The components (each < 2^32).
        public let components: [UInt32]
        /// The text as written, for printing.
        public let text: String

        /// Parses `[0-9]+(\.[0-9]+)*`; nil when malformed or a component is ≥ 2^32.
        public init?(_ text: String) {
            var comps: [UInt32] = []
            var cur: UInt64 = 0
            var digits = 0
            for u in text.utf8 {
                if u >= 0x30 && u <= 0x39 {
                    cur = cur * 10 + UInt64(u - 0x30)
                    digits += 1
                    if cur > UInt64(UInt32.max) { return nil }
                } else if u == 0x2E {
                    guard digits > 0 else { return nil }
                    comps.append(UInt32(cur))
                    cur = 0
                    digits = 0
                } else {
                    return nil
                }
            }
            guard digits > 0 else { return nil }
            comps.append(UInt32(cur))
            self.components = comps
            self.text = text
        }

        func component(_ i: Int) -> UInt32 { i < components.count ? components[i] : 0 }

        /// Equal by numeric components (`13.0` equals `13`).
        public static func == (a: Version, b: Version) -> Bool { compare(a, b) == 0 }
        /// Orders by numeric components.
        public static func < (a: Version, b: Version) -> Bool { compare(a, b) < 0 }
        /// Hashes consistently with `==`.
        public func hash(into h: inout Hasher) {
            var comps = components
            while let last = comps.last, last == 0 { comps.removeLast() }
            h.combine(comps)
        }
        static func compare(_ a: Version, _ b: Version) -> Int {
            let n = max(a.components.count, b.components.count)
            for i in 0..<n {
                let x = a.component(i)
                let y = b.component(i)
                if x != y { return x < y ? -1 : 1 }
            }
            return 0
        }
        /// The version as written.
        public var description: String { text }
    }
}

/// The package's short name for ``Value/Version``.
package typealias Version = Value.Version
