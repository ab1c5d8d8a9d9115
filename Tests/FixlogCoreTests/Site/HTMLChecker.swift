import Foundation

/// A small HTML well-formedness checker for the generated pages: every non-void element is closed in
/// order, void elements are not closed, attribute values are double-quoted, text and attribute values
/// carry no raw `<` or stray `&`, and comments, doctype and script bodies are recognised.
struct HTMLChecker {
    struct Tag: Equatable {
        var name: String
        var attributes: [(name: String, value: String)]
        static func == (a: Tag, b: Tag) -> Bool {
            a.name == b.name && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
        }
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    }

    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                            "source", "track", "wbr"]

    var errors: [String] = []
    var tags: [Tag] = []

    init(_ html: String) {
        let s = Array(html.unicodeScalars)
        var i = 0
        var stack: [String] = []
        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        func starts(_ text: String, _ k: Int) -> Bool {
            let t = Array(text.unicodeScalars)
            guard k + t.count <= s.count else { return false }
            for j in 0..<t.count where String(s[k + j]).lowercased() != String(t[j]).lowercased() { return false }
            return true
        }
        func checkEntity(_ k: Int, context: String) {
            // `&` must start `&name;` or `&#…;`.
            var j = k + 1
            var body = ""
            while let c = at(j), c != ";", body.count < 12, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "#" || c == "x" {
                body.unicodeScalars.append(c); j += 1
            }
            if at(j) != ";" || body.isEmpty { errors.append("stray '&' in \(context) at offset \(k)") }
        }
        while i < s.count {
            let c = s[i]
            if c == "<" {
                if starts("<!--", i) {
                    var j = i + 4
                    while j < s.count, !starts("-->", j) { j += 1 }
                    if j >= s.count { errors.append("unclosed comment at \(i)"); break }
                    i = j + 3; continue
                }
                if starts("<!doctype", i) {
                    while i < s.count, s[i] != ">" { i += 1 }
                    i += 1; continue
                }
                let closing = at(i + 1) == "/"
                var j = i + (closing ? 2 : 1)
                var name = ""
                while let ch = at(j), ch.properties.isAlphabetic || ("0"..."9").contains(ch) || ch == "-" { name.unicodeScalars.append(ch); j += 1 }
                name = name.lowercased()
                if name.isEmpty { errors.append("raw '<' in text at offset \(i)"); i += 1; continue }
                var attributes: [(String, String)] = []
                var selfClosing = false
                while true {
                    while let ch = at(j), ch == " " || ch == "\n" || ch == "\t" { j += 1 }
                    guard let ch = at(j) else { errors.append("unterminated tag <\(name)"); break }
                    if ch == ">" { j += 1; break }
                    if ch == "/" && at(j + 1) == ">" { selfClosing = true; j += 2; break }
                    var attr = ""
                    while let a = at(j), a != "=", a != " ", a != ">", a != "/", a != "\n" { attr.unicodeScalars.append(a); j += 1 }
                    if attr.isEmpty { errors.append("bad attribute syntax in <\(name)> at \(j)"); j += 1; continue }
                    var value = ""
                    if at(j) == "=" {
                        j += 1
                        guard at(j) == "\"" else { errors.append("unquoted attribute \(attr) in <\(name)>"); continue }
                        j += 1
                        while let v = at(j), v != "\"" {
                            if v == "<" { errors.append("raw '<' in attribute \(attr) of <\(name)>") }
                            if v == "&" { checkEntity(j, context: "attribute \(attr)") }
                            value.unicodeScalars.append(v); j += 1
                        }
                        j += 1
                    }
                    attributes.append((attr.lowercased(), value))
                }
                i = j
                if closing {
                    if Self.voidElements.contains(name) { errors.append("closing tag for void element </\(name)>") }
                    else if stack.last == name { stack.removeLast() }
                    else { errors.append("</\(name)> closes <\(stack.last ?? "nothing")>") }
                    continue
                }
                tags.append(Tag(name: name, attributes: attributes))
                if name == "script" {
                    // Script content runs to </script>.
                    var k = i
                    while k < s.count, !starts("</script", k) { k += 1 }
                    if k >= s.count { errors.append("unclosed <script>"); break }
                    i = k; stack.append(name); continue
                }
                if !Self.voidElements.contains(name) && !selfClosing { stack.append(name) }
                continue
            }
            if c == "&" { checkEntity(i, context: "text") }
            if c == ">" { errors.append("raw '>' in text at offset \(i)") }
            i += 1
        }
        if !stack.isEmpty { errors.append("unclosed elements: \(stack.joined(separator: " > "))") }
    }
}
