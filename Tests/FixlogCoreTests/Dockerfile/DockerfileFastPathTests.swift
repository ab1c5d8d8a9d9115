import Foundation
import Testing
@testable import FixlogCore

/// The parser's fast paths (issue 7) against the slower reference they replace: each must give the same result
/// on every input, so random inputs are compared with the reference implementation kept beside them.
@Suite("Dockerfile parser fast paths")
struct DockerfileFastPathTests {
    /// Valid UTF-8 pieces: quotes, both escape characters, ASCII and Unicode white space, multi-byte letters.
    static let validPieces = ["a", "b", "z", "0", "=", "-", "--", " ", "  ", "\t", "\u{0B}", "\u{0C}", "\r", "\"", "'",
                              "\\", "`", "$", "{", "}", "é", "\u{2003}", "\u{00A0}", "\u{85}", "ß", "日", "😀", "<", "<<"]
    /// Bytes that make invalid UTF-8 among valid ones.
    static let rawBytes: [UInt8] = [0x20, 0x09, 0x22, 0x27, 0x5C, 0x60, 0x61, 0x3D, 0x80, 0xBF, 0xC2, 0xC3, 0xE2, 0xED,
                                    0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x85, 0x00]

    static func validText(_ g: inout SeededRandom) -> [UInt8] {
        var s = ""
        for _ in 0..<Int.random(in: 0...24, using: &g) { s += validPieces.randomElement(using: &g)! }
        return Array(s.utf8)
    }

    static func anyBytes(_ g: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 0...24, using: &g) {
            if Bool.random(using: &g) { out += Array(validPieces.randomElement(using: &g)!.utf8) }
            else { out.append(rawBytes.randomElement(using: &g)!) }
        }
        return out
    }

    @Test("word slices equal the decoding word splitter on valid UTF-8", arguments: [UInt8(ascii: "\\"), UInt8(ascii: "`")])
    func wordSlices(escape: UInt8) {
        var g = SeededRandom(seed: UInt64(escape))
        for _ in 0..<3000 {
            let text = Self.validText(&g)
            let (slices, decoded) = text.withUnsafeBufferPointer { p -> ([[UInt8]], [[UInt8]]) in
                var slices = WordSlices(line: LineBytes(p: p, base: 0))
                walkWords(p, 0, p.count, escape: escape, into: &slices)
                var decoded = DecodedWords()
                walkWords(p, 0, p.count, escape: escape, into: &decoded)
                let fresh = decoded.fresh
                return (slices.words.map { Array(p[$0.start..<$0.end]) },
                        decoded.words.map { Array(fresh[($0.start - TextSpan.freshBase)..<($0.end - TextSpan.freshBase)]) })
            }
            #expect(slices == decoded, "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }

    @Test("keywords matched on packed bytes equal the match of Go's lower-cased String")
    func keywordMatch() {
        let names = ["add", "copy", "volume", "run", "cmd", "entrypoint", "shell", "from", "expose", "maintainer", "user",
                     "workdir", "stopsignal", "arg", "env", "label", "healthcheck", "onbuild", "runs", "ru", "fromx",
                     "onbuildx", "healthchecks", "", "\u{0}run", "r\u{0}n", "workdirs", "[run", "@dd"]
        var g = SeededRandom(seed: 19)
        var other = 0
        for _ in 0..<4000 {
            var word = Array(names.randomElement(using: &g)!.utf8)
            for i in word.indices where Bool.random(using: &g) && word[i] >= 0x61 && word[i] <= 0x7A { word[i] -= 0x20 }
            if Int.random(in: 0..<8, using: &g) == 0, !word.isEmpty {
                word[Int.random(in: 0..<word.count, using: &g)] = UInt8.random(in: 0x20...0x7E, using: &g)
            }
            let packed = word.withUnsafeBufferPointer { Keyword.of($0) }
            #expect(packed == Keyword.of(lowered: GoText.lower(GoText.string(word))), "\(word)")
            if packed == .other { other += 1 }
        }
        #expect(other > 100 && other < 3000)
    }

    @Test("heredoc markers of plain lines equal the shell lexer's")
    func plainHeredocMarkers() throws {
        let pieces = ["RUN", "COPY", " ", "  ", "\t", "\u{0B}", "\u{0C}", "\r", "<<", "<<-", "<", "EOF", "E", "1", "23",
                      "99999999999999999999", "-", "a", "/x", "=", "`", "{", "}", "#", "&&", ">", "<<<"]
        var g = SeededRandom(seed: 17)
        var found = 0
        for _ in 0..<5000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...12, using: &g) { s += pieces.randomElement(using: &g)! }
            let line = Array(s.utf8)
            try line.withUnsafeBufferPointer { p in
                #expect(HeredocScanner.isPlain(p))
                var plain: [HeredocMarker] = []
                HeredocScanner.plainMarkers(LineBytes(p: p, base: 0), into: &plain)
                let lexed = try HeredocScanner.lexedMarkers(p)
                found += plain.count
                #expect(plain.map { Array(p[$0.name.start..<$0.name.end]) } == lexed.map(\.name), "\(s.debugDescription)")
                #expect(plain.map(\.fileDescriptor) == lexed.map(\.fileDescriptor), "\(s.debugDescription)")
                #expect(plain.map(\.chomp) == lexed.map(\.chomp), "\(s.debugDescription)")
                #expect(plain.map(\.expand) == lexed.map(\.expand), "\(s.debugDescription)")
            }
        }
        #expect(found > 100)
    }

    @Test("GoText.string decodes one U+FFFD per invalid byte, fast path or not")
    func goString() {
        var g = SeededRandom(seed: 7)
        for _ in 0..<3000 {
            let bytes = Self.anyBytes(&g)
            var reference = String.UnicodeScalarView()
            var i = 0
            while i < bytes.count {
                let (r, w) = GoText.decodeRune(bytes, i)
                reference.append(Unicode.Scalar(r) ?? "\u{FFFD}")
                i += w
            }
            #expect(GoText.string(bytes) == String(reference))
            #expect(GoText.string(bytes[...]) == String(reference))
        }
    }

    @Test("word-at-a-time UTF-8 validation finds the first invalid byte")
    func firstInvalid() {
        var g = SeededRandom(seed: 11)
        for _ in 0..<3000 {
            var bytes = Self.anyBytes(&g)
            // Long ASCII runs exercise the eight-byte steps.
            if Bool.random(using: &g) { bytes = Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 0...20, using: &g)) + bytes }
            var reference: Int? = nil
            var i = 0
            while i < bytes.count {
                let (r, w) = GoText.decodeRune(bytes, i)
                if r == GoText.replacement && w == 1 { reference = i; break }
                i += w
            }
            #expect(SourceText.firstInvalidUTF8Offset(bytes) == reference)
            #expect(bytes.withUnsafeBufferPointer { GoText.isValidUTF8($0) } == (reference == nil))
        }
    }

    @Test("a line without `<<` has no heredoc marker")
    func heredocPrefilter() throws {
        var g = SeededRandom(seed: 13)
        for _ in 0..<3000 {
            let line = Self.anyBytes(&g)
            guard !LineParser.containsDoubleLess(line[...]) else { continue }
            let markers = try? HeredocScanner.markers(inLine: line[...])
            #expect(markers?.isEmpty ?? true)
        }
    }

    @Test("the line table found eight bytes at a time equals a byte-by-byte scan")
    func lineTable() {
        var g = SeededRandom(seed: 23)
        let alphabet: [UInt8] = [0x0A, 0x0A, 0x0D, 0x0B, 0x8A, 0x00, 0x09, 0x20, 0x61, 0x7A, 0xFF, 0x0A ^ 0x80]
        for round in 0..<3006 {
            // Mostly short texts; a few over 64 KiB take the counting path.
            let length = round < 3000 ? Int.random(in: 0...40, using: &g) : (1 << 16) + Int.random(in: -3...9000, using: &g)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &g)! }
            var reference = [0]
            for (i, b) in bytes.enumerated() where b == 0x0A && i + 1 < bytes.count { reference.append(i + 1) }
            #expect(SourceText(path: "x", bytes: bytes).lineStarts == reference, "\(bytes.count) bytes")
        }
    }

    @Test("SourceText.load reads files exactly and reports what it cannot read")
    func load() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 251 == 0 ? 10 : 97 + $0 % 26) }
            let path = dir.appendingPathComponent("f\(size)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (text, diagnostics) = SourceText.load(path: path, displayPath: "shown")
            #expect(text?.bytes == bytes)
            #expect(text?.path == "shown")
            #expect(diagnostics.isEmpty)
        }
        let missing = SourceText.load(path: dir.appendingPathComponent("nope").path, displayPath: "nope")
        #expect(missing.text == nil)
        #expect(missing.diagnostics.map(\.id) == [.fileNotFound])
        #expect(missing.diagnostics.first?.message == "no such file 'nope'")
        let notDir = SourceText.load(path: dir.appendingPathComponent("f1/x").path)
        #expect(notDir.diagnostics.map(\.id) == [.fileNotFound])
        let directory = SourceText.load(path: dir.path, displayPath: "d")
        #expect(directory.text == nil)
        #expect(directory.diagnostics.first?.message == "'d' is a directory, not a file")
        let large = SourceText.load(path: dir.appendingPathComponent("f4097").path, displayPath: "big", maximumSize: 4096)
        #expect(large.text == nil)
        #expect(large.diagnostics.map(\.id) == [.fileTooLarge])
        let bad = dir.appendingPathComponent("bad").path
        try Data([0x61, 0xFF, 0x00, 0x0A]).write(to: URL(fileURLWithPath: bad))
        let badLoad = SourceText.load(path: bad)
        #expect(badLoad.text?.bytes == [0x61, 0xFF, 0x00, 0x0A])
        #expect(badLoad.diagnostics.map(\.id) == [.invalidUTF8, .nulByte])
    }
}
