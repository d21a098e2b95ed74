/// The named classes of RE2 syntax: Perl (`\d`), POSIX (`[:alpha:]`) and Unicode (`\p{Lu}`, `\p{Greek}`).
enum UnicodeClasses {
    /// General categories, in bit order.
    static let categories: [(name: String, category: Unicode.GeneralCategory)] = [
        ("Lu", .uppercaseLetter), ("Ll", .lowercaseLetter), ("Lt", .titlecaseLetter),
        ("Lm", .modifierLetter), ("Lo", .otherLetter),
        ("Mn", .nonspacingMark), ("Mc", .spacingMark), ("Me", .enclosingMark),
        ("Nd", .decimalNumber), ("Nl", .letterNumber), ("No", .otherNumber),
        ("Pc", .connectorPunctuation), ("Pd", .dashPunctuation), ("Ps", .openPunctuation),
        ("Pe", .closePunctuation), ("Pi", .initialPunctuation), ("Pf", .finalPunctuation),
        ("Po", .otherPunctuation),
        ("Sm", .mathSymbol), ("Sc", .currencySymbol), ("Sk", .modifierSymbol), ("So", .otherSymbol),
        ("Zs", .spaceSeparator), ("Zl", .lineSeparator), ("Zp", .paragraphSeparator),
        ("Cc", .control), ("Cf", .format), ("Cs", .surrogate), ("Co", .privateUse), ("Cn", .unassigned),
    ]

    static let allCategories: UInt32 = (1 << 30) - 1

    static func bit(of category: Unicode.GeneralCategory) -> UInt32 {
        switch category {
        case .uppercaseLetter: 1 << 0
        case .lowercaseLetter: 1 << 1
        case .titlecaseLetter: 1 << 2
        case .modifierLetter: 1 << 3
        case .otherLetter: 1 << 4
        case .nonspacingMark: 1 << 5
        case .spacingMark: 1 << 6
        case .enclosingMark: 1 << 7
        case .decimalNumber: 1 << 8
        case .letterNumber: 1 << 9
        case .otherNumber: 1 << 10
        case .connectorPunctuation: 1 << 11
        case .dashPunctuation: 1 << 12
        case .openPunctuation: 1 << 13
        case .closePunctuation: 1 << 14
        case .initialPunctuation: 1 << 15
        case .finalPunctuation: 1 << 16
        case .otherPunctuation: 1 << 17
        case .mathSymbol: 1 << 18
        case .currencySymbol: 1 << 19
        case .modifierSymbol: 1 << 20
        case .otherSymbol: 1 << 21
        case .spaceSeparator: 1 << 22
        case .lineSeparator: 1 << 23
        case .paragraphSeparator: 1 << 24
        case .control: 1 << 25
        case .format: 1 << 26
        case .surrogate: 1 << 27
        case .privateUse: 1 << 28
        case .unassigned: 1 << 29
        @unknown default: 1 << 29
        }
    }

    /// `\p{name}`: a general category (`Lu`), a category group (`L`), `Any`, or one of a few
    /// scripts. Scripts are approximated by their main Unicode blocks (the standard library
    /// does not expose the Script property).
    static func named(_ name: String) -> ScalarSet? {
        if name == "Any" { return ScalarSet([0...ScalarSet.maxScalar]) }
        var mask: UInt32 = 0
        for (index, entry) in categories.enumerated() {
            let matches = name.count == 1 ? entry.name.hasPrefix(name) && entry.name != "Cn" : entry.name == name
            if matches { mask |= 1 << UInt32(index) }
        }
        if mask != 0 {
            var set = ScalarSet()
            set.categories = mask
            return set
        }
        return scripts[name].map { ScalarSet($0) }
    }

    static let scripts: [String: [ClosedRange<UInt32>]] = [
        "Latin": [
            0x41...0x5A, 0x61...0x7A, 0xAA...0xAA, 0xBA...0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2B8,
            0x2E0...0x2E4, 0x1D00...0x1D25, 0x1D2C...0x1D5C, 0x1D62...0x1D65, 0x1D6B...0x1D77,
            0x1D79...0x1DBE, 0x1E00...0x1EFF, 0x2071...0x2071, 0x207F...0x207F, 0x2090...0x209C,
            0x212A...0x212B, 0x2132...0x2132, 0x214E...0x214E, 0x2160...0x2188, 0x2C60...0x2C7F,
            0xA722...0xA787, 0xA78B...0xA7FF, 0xAB30...0xAB5A, 0xAB5C...0xAB64, 0xFB00...0xFB06,
            0xFF21...0xFF3A, 0xFF41...0xFF5A,
        ],
        "Greek": [
            0x370...0x373, 0x375...0x377, 0x37A...0x37D, 0x37F...0x37F, 0x384...0x384, 0x386...0x386,
            0x388...0x3E1, 0x3F0...0x3FF, 0x1D26...0x1D2A, 0x1F00...0x1FFE, 0x2126...0x2126,
        ],
        "Cyrillic": [0x400...0x52F, 0x1C80...0x1C88, 0x1D2B...0x1D2B, 0x2DE0...0x2DFF, 0xA640...0xA69F],
        "Armenian": [0x531...0x556, 0x559...0x58A, 0x58D...0x58F, 0xFB13...0xFB17],
        "Hebrew": [0x591...0x5C7, 0x5D0...0x5EA, 0x5EF...0x5F4, 0xFB1D...0xFB4F],
        "Arabic": [
            0x600...0x604, 0x606...0x60B, 0x60D...0x61A, 0x61C...0x61E, 0x620...0x63F, 0x641...0x64A,
            0x656...0x66F, 0x671...0x6DC, 0x6DE...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF,
            0xFE70...0xFEFC,
        ],
        "Devanagari": [0x900...0x950, 0x955...0x963, 0x966...0x97F, 0xA8E0...0xA8FF],
        "Thai": [0xE01...0xE3A, 0xE40...0xE5B],
        "Georgian": [0x10A0...0x10FF, 0x1C90...0x1CBF, 0x2D00...0x2D2D],
        "Hangul": [
            0x1100...0x11FF, 0x302E...0x302F, 0x3131...0x318E, 0x3200...0x321E, 0xA960...0xA97C,
            0xAC00...0xD7A3, 0xD7B0...0xD7FB, 0xFFA0...0xFFDC,
        ],
        "Hiragana": [0x3041...0x3096, 0x309D...0x309F, 0x1B001...0x1B11F],
        "Katakana": [
            0x30A1...0x30FA, 0x30FD...0x30FF, 0x31F0...0x31FF, 0x32D0...0x32FE, 0x3300...0x3357,
            0xFF66...0xFF6F, 0xFF71...0xFF9D,
        ],
        "Han": [
            0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x3005...0x3005, 0x3007...0x3007,
            0x3021...0x3029, 0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFA6D,
            0xFA70...0xFAD9, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x323AF,
        ],
    ]

    /// `\d \s \w` (ASCII, as in RE2).
    static func perl(_ letter: Unicode.Scalar) -> [ClosedRange<UInt32>]? {
        switch letter {
        case "d": [0x30...0x39]
        case "s": [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        case "w": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        default: nil
        }
    }

    /// `[:name:]` (ASCII, as in RE2).
    static func posix(_ name: String) -> [ClosedRange<UInt32>]? {
        switch name {
        case "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
        case "alpha": [0x41...0x5A, 0x61...0x7A]
        case "ascii": [0x00...0x7F]
        case "blank": [0x09...0x09, 0x20...0x20]
        case "cntrl": [0x00...0x1F, 0x7F...0x7F]
        case "digit": [0x30...0x39]
        case "graph": [0x21...0x7E]
        case "lower": [0x61...0x7A]
        case "print": [0x20...0x7E]
        case "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
        case "space": [0x09...0x0D, 0x20...0x20]
        case "upper": [0x41...0x5A]
        case "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        case "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66]
        default: nil
        }
    }
}
