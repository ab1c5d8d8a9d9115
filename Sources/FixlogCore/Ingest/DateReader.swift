/// Finds real calendar dates in text and returns them in ISO form (YYYY-MM-DD).
///
/// Accepted: `2025-10-13`, `2025/10/13`, `2025.10.13`, `October 13, 2025`, `Oct 13 2025`, `13 October 2025`,
/// `2025年10月13日`. Anything that is not a real date (`2025-02-30`, `(Dockerfile.php82)`, `(Line 70 Fix)`) is not one.
enum DateReader {
    struct Match: Equatable {
        var iso: String
        /// UTF-8 byte range of the date text in the searched string.
        var byteRange: Range<Int>
    }

    /// Something date-shaped that is not a real date (for the invalid-date warning).
    struct Invalid: Equatable {
        var text: String
    }

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1900...2999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    static func iso(_ y: Int, _ m: Int, _ d: Int) -> String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The first real date in `text`, plus any date-shaped text that was not a real date.
    static func firstDate(in text: String) -> (match: Match?, invalid: [Invalid]) {
        let b = Array(text.utf8)
        var invalid: [Invalid] = []
        var i = 0
        func isDigit(_ x: UInt8) -> Bool { x >= 48 && x <= 57 }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var v = 0
            for k in start..<start + count {
                guard isDigit(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        func boundaryBefore(_ k: Int) -> Bool { k == 0 || !(isDigit(b[k - 1]) || isLetter(b[k - 1]) || b[k - 1] == UInt8(ascii: ".")) }
        func boundaryAfter(_ k: Int) -> Bool { k >= b.count || !(isDigit(b[k]) || isLetter(b[k])) }
        func isLetter(_ x: UInt8) -> Bool { (x | 0x20) >= 97 && (x | 0x20) <= 122 }
        while i < b.count {
            // YYYY-MM-DD / YYYY/MM/DD / YYYY.MM.DD / YYYY年MM月DD日
            if isDigit(b[i]), boundaryBefore(i), let y = number(i, 4), i + 4 < b.count {
                let sep = b[i + 4]
                if sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") {
                    var j = i + 5
                    var mLen = 0
                    while j + mLen < b.count, isDigit(b[j + mLen]), mLen < 3 { mLen += 1 }
                    if (1...2).contains(mLen), let m = number(j, mLen), j + mLen < b.count, b[j + mLen] == sep {
                        j += mLen + 1
                        var dLen = 0
                        while j + dLen < b.count, isDigit(b[j + dLen]), dLen < 3 { dLen += 1 }
                        if (1...2).contains(dLen), let d = number(j, dLen), boundaryAfter(j + dLen) {
                            let end = j + dLen
                            if isValid(year: y, month: m, day: d) {
                                return (Match(iso: iso(y, m, d), byteRange: i..<end), invalid)
                            }
                            invalid.append(Invalid(text: String(decoding: b[i..<end], as: UTF8.self)))
                            i = end
                            continue
                        }
                    }
                }
                // 2025年10月13日
                let rest = String(decoding: b[(i + 4)...], as: UTF8.self)
                if rest.hasPrefix("年") {
                    let scalars = Array(rest.unicodeScalars)
                    var k = 1, m = 0, d = 0, digits = 0
                    while k < scalars.count, let v = Int(String(scalars[k])) { m = m * 10 + v; k += 1; digits += 1 }
                    if digits > 0, k < scalars.count, scalars[k] == "月" {
                        k += 1
                        digits = 0
                        while k < scalars.count, let v = Int(String(scalars[k])) { d = d * 10 + v; k += 1; digits += 1 }
                        if digits > 0, k < scalars.count, scalars[k] == "日", isValid(year: y, month: m, day: d) {
                            let consumed = String(String.UnicodeScalarView(scalars[0...k])).utf8.count
                            return (Match(iso: iso(y, m, d), byteRange: i..<(i + 4 + consumed)), invalid)
                        }
                    }
                }
            }
            // Month-name forms: "October 13, 2025", "Oct 13 2025", "13 October 2025"
            if isLetter(b[i]), i == 0 || !isLetter(b[i - 1]) {
                var j = i
                while j < b.count, isLetter(b[j]) { j += 1 }
                if let m = months[String(decoding: b[i..<j], as: UTF8.self).lowercased()] {
                    var k = j
                    if k < b.count, b[k] == UInt8(ascii: ".") { k += 1 }
                    while k < b.count, b[k] == 32 { k += 1 }
                    var dLen = 0
                    while k + dLen < b.count, isDigit(b[k + dLen]), dLen < 3 { dLen += 1 }
                    if (1...2).contains(dLen), let d = number(k, dLen) {
                        var t = k + dLen
                        if t + 1 < b.count, ["st", "nd", "rd", "th"].contains(String(decoding: b[t..<t + 2], as: UTF8.self)) { t += 2 }
                        if t < b.count, b[t] == UInt8(ascii: ",") { t += 1 }
                        while t < b.count, b[t] == 32 { t += 1 }
                        if let y = number(t, 4), boundaryAfter(t + 4) {
                            if isValid(year: y, month: m, day: d) {
                                return (Match(iso: iso(y, m, d), byteRange: i..<(t + 4)), invalid)
                            }
                            invalid.append(Invalid(text: String(decoding: b[i..<(t + 4)], as: UTF8.self)))
                        }
                    }
                }
                i = j
                continue
            }
            if isDigit(b[i]), boundaryBefore(i) {
                // 13 October 2025
                var k = i
                while k < b.count, isDigit(b[k]) { k += 1 }
                if k - i <= 2, let d = number(i, k - i), k < b.count, b[k] == 32 {
                    var j = k + 1
                    let ms = j
                    while j < b.count, isLetter(b[j]) { j += 1 }
                    if let m = months[String(decoding: b[ms..<j], as: UTF8.self).lowercased()] {
                        if j < b.count, b[j] == UInt8(ascii: ",") { j += 1 }
                        while j < b.count, b[j] == 32 { j += 1 }
                        if let y = number(j, 4), boundaryAfter(j + 4), isValid(year: y, month: m, day: d) {
                            return (Match(iso: iso(y, m, d), byteRange: i..<(j + 4)), invalid)
                        }
                    }
                }
                i = k
                continue
            }
            i += 1
        }
        return (nil, invalid)
    }
}

extension LogRenderer {
    /// True for a real calendar date written `YYYY-MM-DD` (`fixlog new --date`).
    public static func isCalendarDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return DateReader.isValid(year: y, month: m, day: d)
    }
}
