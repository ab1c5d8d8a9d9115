import Foundation

/// Takes a heading's text apart: record numbering, emoji and emphasis, a trailing status marker, a date.
enum TitleReader {
    enum Numbering: Equatable {
        /// `Fix #2: …`, `Issue #3 - …`
        case hashNumber(keyword: String, number: Int)
        /// `Issue 3: …`, `Fix 2 - …`, `Error 1.`
        case keywordNumber(keyword: String, number: Int)
        /// `3. …`, `3) …`, `#3 …`, `3️⃣ …`
        case plainNumber(Int)
        /// `Issue: …`, `Fix - …` (a record keyword without a number)
        case keywordOnly(keyword: String)

        var number: Int? {
            switch self {
            case .hashNumber(_, let n), .keywordNumber(_, let n), .plainNumber(let n): n
            case .keywordOnly: nil
            }
        }
    }

    struct Parsed: Equatable {
        var numbering: Numbering?
        var title: String
        var status: String?
        var date: String?
        var invalidDates: [String]
    }

    /// Words that, followed by a number, make a heading a record heading.
    static let recordKeywords: Set<String> = [
        "fix", "fixed", "bugfix", "hotfix", "issue", "problem", "error", "bug", "incident", "patch",
        "problema", "error", "errores", "solución", "solucion", "corrección", "correccion", "incidencia",
        "correzione", "problema", "errore", "problème", "probleme", "correction", "correctif", "fehler",
        "修复", "问题", "错误", "문제", "수정", "오류", "이슈",
    ]

    /// Status words recognised at the end of a title (case-insensitive).
    static let statusWords: [String] = [
        "fixed", "resolved", "solved", "done", "closed", "open", "wip", "in progress", "pending", "mitigated",
        "workaround", "partial", "partially fixed", "complete", "completed", "verified", "won't fix", "wontfix",
        "reopened", "investigating", "blocked", "superseded",
    ]

    static let statusWordsLongestFirst = statusWords.sorted { $0.count > $1.count }

    /// Parses the plain text of a heading.
    static func parse(_ raw: String) -> Parsed {
        var text = stripDecoration(raw)
        var numbering: Numbering?
        (numbering, text) = splitNumbering(text)
        var status: String?
        var date: String?
        var invalid: [String] = []
        // Trailing status and date can come in either order: peel repeatedly.
        var changed = true
        while changed {
            changed = false
            if let (s, rest) = splitTrailingStatus(text) {
                if status == nil { status = s }
                text = rest
                changed = true
            }
            let (d, rest, bad) = splitTrailingDate(text)
            invalid += bad
            if let d {
                if date == nil { date = d }
                text = rest
                changed = true
            }
        }
        if date == nil {
            let found = DateReader.firstDate(in: text)
            invalid += found.invalid.map(\.text)
            if let m = found.match {
                date = m.iso
                // Remove a date embedded with a separator, e.g. "2025-01-09 - Numpy conflict".
                let bytes = Array(text.utf8)
                var before = String(decoding: bytes[..<m.byteRange.lowerBound], as: UTF8.self)
                var after = String(decoding: bytes[m.byteRange.upperBound...], as: UTF8.self)
                before = before.trimmingCharacters(in: CharacterSet(charactersIn: " -–—:|[(").union(.whitespaces))
                after = after.trimmingCharacters(in: CharacterSet(charactersIn: " -–—:|])").union(.whitespaces))
                text = [before, after].filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
        text = trimPunctuation(text)
        var unique: [String] = []
        for d in invalid where !unique.contains(d) { unique.append(d) }
        return Parsed(numbering: numbering, title: text, status: status, date: date, invalidDates: unique)
    }

    /// Removes emoji, variation selectors and surrounding emphasis markers; collapses white space.
    static func stripDecoration(_ raw: String) -> String {
        if isPlain(raw) { return raw }
        var scalars = String.UnicodeScalarView()
        for s in raw.unicodeScalars {
            if isDecorativeScalar(s) { continue }
            scalars.append(s)
        }
        var text = String(scalars)
        text = text.replacingBytes("**", with: "").replacingBytes("__", with: "")
        text = collapseWhitespace(text)
        // "( FIXED ✅)" loses its emoji: tidy the brackets it leaves.
        for (a, b) in [("( ", "("), (" )", ")"), ("[ ", "["), (" ]", "]"), ("()", ""), ("[]", "")] {
            text = text.replacingBytes(a, with: b)
        }
        return collapseWhitespace(text)
    }

    /// Whether `stripDecoration` would return `text` unchanged: printable ASCII only (no emoji), single
    /// spaces between words and none at the ends, no `**`/`__` and none of the brackets it tidies.
    static func isPlain(_ text: String) -> Bool {
        var previous: UInt8 = 0x20
        var count = 0
        for b in text.utf8 {
            guard b > 0x20 || (b == 0x20 && previous != 0x20), b < 0x7F else { return false }
            switch (previous, b) {
            case (0x2A, 0x2A), (0x5F, 0x5F), (0x28, 0x20), (0x20, 0x29), (0x5B, 0x20), (0x20, 0x5D), (0x28, 0x29), (0x5B, 0x5D):
                return false
            default: break
            }
            previous = b
            count += 1
        }
        return count > 0 && previous != 0x20
    }

    static func isDecorativeScalar(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0xFE0F, 0xFE0E, 0x200D, 0x20E3: return true
        case 0x2190...0x21FF: return false  // arrows stay (→)
        case 0x2600...0x27BF, 0x1F000...0x1FAFF, 0x2B00...0x2BFF, 0x2300...0x23FF: return true
        default: return false
        }
    }

    static func collapseWhitespace(_ text: String) -> String {
        // Already collapsed (single spaces between words, none at the ends, no tabs or line breaks): as is.
        var copy = text
        let collapsed = copy.withUTF8 { b -> Bool in
            guard let first = b.first, let last = b.last, first != 0x20, last != 0x20 else { return b.isEmpty }
            var previous: UInt8 = 0
            for c in b {
                if c == 0x09 || c == 0x0A || (c == 0x20 && previous == 0x20) { return false }
                previous = c
            }
            return true
        }
        if collapsed { return text }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }

    static func trimPunctuation(_ text: String) -> String {
        var t = text.trimmedSpaces
        while let last = t.last, ":-–—|,".contains(last) { t.removeLast(); t = t.trimmedSpaces }
        while let first = t.first, ":-–—|,".contains(first) { t.removeFirst(); t = t.trimmedSpaces }
        return t
    }

    /// `Fix #2: Title`, `Issue 3 - Title`, `3. Title`, `#3 Title`, `[3] Title`.
    static func splitNumbering(_ text: String) -> (Numbering?, String) {
        splitNumberingASCII(text) ?? splitNumberingCharacters(text)
    }

    /// ``splitNumbering(_:)`` on characters (any text).
    static func splitNumberingCharacters(_ text: String) -> (Numbering?, String) {
        let chars = Array(text)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        func readInt() -> Int? {
            var v = 0, n = 0
            while i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII, n < 9 { v = v * 10 + d; i += 1; n += 1 }
            return n > 0 ? v : nil
        }
        func rest() -> String {
            var j = i
            while j < chars.count, chars[j] == " " || chars[j] == ":" || chars[j] == "-" || chars[j] == "–" || chars[j] == "—"
                || chars[j] == "." || chars[j] == ")" || chars[j] == "]" || chars[j] == "|"
            {
                j += 1
            }
            return String(chars[j...])
        }
        // Plain number: "3.", "3)", "#3", "[3]"
        if i < chars.count, chars[i] == "#" || chars[i] == "[" { i += 1 }
        if let n = readInt() {
            let after = i < chars.count ? chars[i] : " "
            if after == "." || after == ")" || after == "]" || after == ":" || (text.first == "#" && after == " ") || after == " " && text.first == "[" {
                if after == ".", i + 1 < chars.count, chars[i + 1].isNumber { return (nil, text) }  // "1.5 upgrade"
                return (.plainNumber(n), rest())
            }
            return (nil, text)
        }
        i = 0
        // Keyword + number
        var word = ""
        while i < chars.count, chars[i].isLetter { word.append(chars[i]); i += 1 }
        guard !word.isEmpty, recordKeywords.contains(word.lowercased()) else { return (nil, text) }
        // "Issue: Title", "Fix - Title", "Bug — Title": a keyword record without a number.
        var j = i
        while j < chars.count, chars[j] == " " { j += 1 }
        if j < chars.count, chars[j] == ":" || ((chars[j] == "-" || chars[j] == "–" || chars[j] == "—") && j > i),
            chars[(j + 1)...].contains(where: { $0.isLetter })
        {
            i = j
            return (.keywordOnly(keyword: word), rest())
        }
        skipSpaces()
        var hashed = false
        if i < chars.count, chars[i] == "#" { hashed = true; i += 1 }
        skipSpaces()
        guard let n = readInt() else { return (nil, text) }
        if i < chars.count, chars[i].isLetter || chars[i] == "." && i + 1 < chars.count && chars[i + 1].isNumber {
            return (nil, text)
        }
        return (hashed ? .hashNumber(keyword: word, number: n) : .keywordNumber(keyword: word, number: n), rest())
    }

    /// ``splitNumbering(_:)`` for text of printable ASCII and spaces, where every byte is one character (nil for
    /// any other text): the same steps on bytes, without building an array of characters.
    static func splitNumberingASCII(_ text: String) -> (Numbering?, String)? {
        let c = Array(text.utf8)
        guard c.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let count = c.count
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
        var i = 0
        func skipSpaces() { while i < count, c[i] == 32 { i += 1 } }
        func readInt() -> Int? {
            var v = 0, n = 0
            while i < count, isDigit(c[i]), n < 9 { v = v * 10 + Int(c[i] - 48); i += 1; n += 1 }
            return n > 0 ? v : nil
        }
        func rest() -> String {
            var j = i
            while j < count, c[j] == 32 || c[j] == 58 || c[j] == 45 || c[j] == 46 || c[j] == 41 || c[j] == 93 || c[j] == 124 {
                j += 1  // space : - . ) ] |
            }
            return String(decoding: c[j...], as: UTF8.self)
        }
        let hash = UInt8(ascii: "#"), open = UInt8(ascii: "["), dot = UInt8(ascii: ".")
        // Plain number: "3.", "3)", "#3", "[3]"
        if i < count, c[i] == hash || c[i] == open { i += 1 }
        if let n = readInt() {
            let after = i < count ? c[i] : 32
            if after == dot || after == UInt8(ascii: ")") || after == UInt8(ascii: "]") || after == UInt8(ascii: ":")
                || (c.first == hash && after == 32) || after == 32 && c.first == open
            {
                if after == dot, i + 1 < count, isDigit(c[i + 1]) { return (nil, text) }  // "1.5 upgrade"
                return (.plainNumber(n), rest())
            }
            return (nil, text)
        }
        i = 0
        // Keyword + number
        while i < count, isLetter(c[i]) { i += 1 }
        let word = String(decoding: c[..<i], as: UTF8.self)
        guard !word.isEmpty, recordKeywords.contains(word.lowercased()) else { return (nil, text) }
        // "Issue: Title", "Fix - Title": a keyword record without a number.
        var j = i
        while j < count, c[j] == 32 { j += 1 }
        if j < count, c[j] == UInt8(ascii: ":") || (c[j] == UInt8(ascii: "-") && j > i), c[(j + 1)...].contains(where: isLetter) {
            i = j
            return (.keywordOnly(keyword: word), rest())
        }
        skipSpaces()
        var hashed = false
        if i < count, c[i] == hash { hashed = true; i += 1 }
        skipSpaces()
        guard let n = readInt() else { return (nil, text) }
        if i < count, isLetter(c[i]) || c[i] == dot && i + 1 < count && isDigit(c[i + 1]) {
            return (nil, text)
        }
        return (hashed ? .hashNumber(keyword: word, number: n) : .keywordNumber(keyword: word, number: n), rest())
    }

    /// `Title ✅ FIXED` (emoji already stripped), `Title (FIXED)`, `Title [RESOLVED]`, `Title - Fixed`.
    static func splitTrailingStatus(_ text: String) -> (String, String)? {
        let t = text.trimmedSpaces
        if endsWithoutStatusWord(t) { return nil }
        let lower = t.lowercased()
        for word in statusWordsLongestFirst {
            for (open, close) in [("(", ")"), ("[", "]")] where lower.hasSuffix(open + word + close) {
                let rest = String(t.dropLast(word.count + 2))
                return (canonicalStatus(word), rest)
            }
            guard lower.hasSuffix(word) else { continue }
            let rest = String(t.dropLast(word.count))
            let trimmedRest = rest.trimmedSpaces
            guard !trimmedRest.isEmpty, rest.last == " " || rest.last == "-" || rest.last == ":" || rest.last == "|"
                || rest.last == "—" || rest.last == "–"
            else { continue }
            // Only an explicit marker: upper case ("FIXED"), or after a dash/colon/pipe ("- Fixed").
            let original = String(t.suffix(word.count))
            let separated = trimmedRest.last.map { "-–—:|".contains($0) } ?? false
            if original == original.uppercased() || separated {
                return (canonicalStatus(word), trimmedRest)
            }
        }
        return nil
    }

    private static let statusWordBytes: [[UInt8]] = statusWordsLongestFirst.map { Array($0.utf8) }

    /// True when `t` is ASCII without carriage returns (so bytes and characters agree) and no status word,
    /// bare or followed by `)` or `]`, ends it (compared case-insensitively): `splitTrailingStatus` finds none.
    static func endsWithoutStatusWord(_ t: String) -> Bool {
        var u = Array(t.utf8)
        guard !u.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return false }
        if let last = u.last, last == UInt8(ascii: ")") || last == UInt8(ascii: "]") { u.removeLast() }
        for word in statusWordBytes where word.count <= u.count {
            var same = true
            for (k, w) in word.enumerated() {
                var c = u[u.count - word.count + k]
                if c >= 65 && c <= 90 { c += 32 }
                if c != w { same = false; break }
            }
            if same { return false }
        }
        return true
    }

    static func canonicalStatus(_ word: String) -> String {
        switch word {
        case "wontfix": "WON'T FIX"
        case "completed": "COMPLETE"
        default: word.uppercased()
        }
    }

    /// `Title (2025-10-13)`, `Title - 2025-10-13`, `Title [Oct 13, 2025]`.
    static func splitTrailingDate(_ text: String) -> (String?, String, [String]) {
        splitTrailingDateASCII(text) ?? splitTrailingDateCharacters(text)
    }

    /// ``splitTrailingDate(_:)`` on the bytes of a text of printable ASCII and tabs (each character one byte); nil
    /// when the character-level code must decide (other texts, and an unbracketed tail after a separator that
    /// holds no date, where trailing words are tried). IngestFastPathTests compare the two.
    static func splitTrailingDateASCII(_ text: String) -> (String?, String, [String])? {
        var copy = text
        return copy.withUTF8 { b -> (String?, String, [String])? in
            guard b.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 < 0x7F) }) else { return nil }
            func string(_ from: Int, _ to: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
            }
            let (lo, hi) = b.trimmedSpaces(0, b.count)
            let bracketed = hi > lo && (b[hi - 1] == UInt8(ascii: ")") || b[hi - 1] == UInt8(ascii: "]"))
            let coreEnd = bracketed ? hi - 1 : hi
            let start: Int
            let restEnd: Int
            if bracketed {
                let opener = b[hi - 1] == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                var open = coreEnd - 1
                while open >= lo, b[open] != opener { open -= 1 }
                guard open >= lo else { return (nil, text, []) }
                start = open + 1
                restEnd = open
            } else {
                // Unbracketed: a date after the last separator.
                var sep = coreEnd - 1
                while sep >= lo, b[sep] != UInt8(ascii: "-"), b[sep] != UInt8(ascii: "|"), b[sep] != UInt8(ascii: ":") {
                    sep -= 1
                }
                guard sep >= lo else { return (nil, text, []) }
                start = sep + 1
                restEnd = start
                if DateReader.firstDate(in: string(start, coreEnd)).match == nil { return nil }
            }
            let (innerLo, innerHi) = b.trimmedSpaces(start, coreEnd)
            let found = DateReader.firstDate(in: string(innerLo, innerHi))
            if let m = found.match, m.byteRange == 0..<(innerHi - innerLo) {
                return (m.iso, trimPunctuation(string(lo, restEnd)), [])
            }
            return (nil, text, found.invalid.map(\.text))
        }
    }

    /// ``splitTrailingDate(_:)`` on characters (any text).
    static func splitTrailingDateCharacters(_ text: String) -> (String?, String, [String]) {
        let t = text.trimmedSpaces
        var core = t
        var closing: Character?
        if let last = core.last, last == ")" || last == "]" {
            closing = last
            core.removeLast()
        }
        let opener: Character? = closing == ")" ? "(" : closing == "]" ? "[" : nil
        let start: String.Index
        if let opener, let idx = core.lastIndex(of: opener) {
            start = core.index(after: idx)
        } else if opener != nil {
            return (nil, text, [])
        } else {
            // Unbracketed: a date after a separator at the end.
            guard let idx = core.lastIndex(where: { "-–—|:".contains($0) && true }) else { return (nil, text, []) }
            start = core.index(after: idx)
            // "2025-10-13" itself contains dashes: try the last 10 / month-name forms via DateReader below.
            let candidate = String(core[start...])
            if DateReader.firstDate(in: candidate).match == nil {
                // try whole trailing words
                let words = core.split(separator: " ")
                for n in stride(from: min(3, words.count), through: 1, by: -1) {
                    let tail = words.suffix(n).joined(separator: " ")
                    let found = DateReader.firstDate(in: tail)
                    if let m = found.match, m.byteRange == 0..<tail.utf8.count {
                        let rest = words.dropLast(n).joined(separator: " ")
                        return (m.iso, trimPunctuation(rest), [])
                    }
                }
                return (nil, text, [])
            }
        }
        let inner = String(core[start...]).trimmedSpaces
        let found = DateReader.firstDate(in: inner)
        if let m = found.match, m.byteRange == 0..<inner.utf8.count {
            var rest = String(core[..<start])
            if opener != nil { rest.removeLast() }
            return (m.iso, trimPunctuation(rest), [])
        }
        return (nil, text, found.invalid.map(\.text))
    }
}
