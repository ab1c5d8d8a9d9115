import Foundation
/// The properties the fuzz harnesses (`Sources/Fuzz*`, `make fuzz`) and the hardening regression tests check
/// on arbitrary input. Each check returns nil when the property holds, else a description of the violation.
///
/// The checks run the real code paths on bytes that need not be UTF-8, may hold NUL and may be empty: the
/// parsers must neither trap nor report something that is not in the input.
public enum FuzzProperties {
    /// A harness built without libFuzzer replays the files named on its command line through `check`,
    /// printing `path: ok` or `path: <violation>`; returns the exit status (1 when any file failed).
    public static func replay(_ paths: [String], check: ([UInt8]) -> String?) -> Int32 {
        var failures: Int32 = 0
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot open")
                failures += 1
                continue
            }
            if let violation = check([UInt8](data)) {
                print("\(path): \(violation)")
                failures += 1
            } else {
                print("\(path): ok")
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// The ingester's segments (preamble, records, interludes) tile the input exactly, and every range it
    /// reports names a real place in the input.
    public static func checkIngest(_ bytes: [UInt8]) -> String? {
        let source = SourceText(path: "fuzz.md", bytes: bytes)
        // Parsing in pieces (what long logs get) gives exactly the tree of one parse.
        let clean = source.replacingInvalidBytes()
        for pieces in [2, 5] where MarkdownDocument(source: clean, pieces: pieces).root != MarkdownDocument(source: clean, pieces: 1).root {
            return "parsing in \(pieces) pieces gives another tree than one parse"
        }
        if let problem = checkReingest(source) { return problem }
        let log = FixLogIngester.ingest(source)
        var cursor = 0
        for segment in log.segments {
            guard let range = realRange(segment, in: source) else {
                return "segment \(segment) is not a real range of the input"
            }
            if range.lowerBound != cursor {
                return "segment \(segment) starts at byte \(range.lowerBound), expected \(cursor)"
            }
            cursor = range.upperBound
        }
        if cursor != bytes.count {
            return "segments end at byte \(cursor), the input has \(bytes.count)"
        }
        for incident in log.incidents {
            for change in incident.changes {
                guard realRange(change.range, in: source) != nil else {
                    return "change \(change.label) has range \(change.range) outside the input"
                }
                if let ref = change.lineRef, realRange(ref.range, in: source) == nil {
                    return "line reference '\(ref.text)' has range \(ref.range) outside the input"
                }
                if let ref = change.lineRef, ref.first < 1 || ref.first > ref.last {
                    return "line reference '\(ref.text)' reads as \(ref.first)-\(ref.last)"
                }
            }
            for step in incident.verifications where realRange(step.range, in: source) == nil {
                return "verification step has range \(step.range) outside the input"
            }
        }
        return nil
    }

    /// Reading an edited copy from the memo of the first reading (regenerate's second pass) gives exactly a fresh
    /// reading. The edit is one line chosen from the input itself: its first digit bumped, or its first byte dropped.
    static func checkReingest(_ source: SourceText) -> String? {
        let count = source.lineStarts.count
        guard count > 1 else { return nil }
        let line = Int(source.bytes.reduce(UInt32(0)) { $0 &* 31 &+ UInt32($1) } % UInt32(count)) + 1
        let range = source.lineByteRange(line)
        guard !range.isEmpty else { return nil }
        var bytes = source.bytes
        if let digit = range.first(where: { bytes[$0] >= 48 && bytes[$0] <= 57 }) {
            bytes[digit] = bytes[digit] == 57 ? 48 : bytes[digit] + 1
        } else {
            bytes.remove(at: range.lowerBound)
        }
        let edited = SourceText(path: source.path, bytes: bytes)
        guard edited.lineStarts.count == count else { return nil }
        let memo = IngestMemo()
        _ = FixLogIngester.ingest(source, keeping: memo)
        if FixLogIngester.ingest(edited, editedLines: [line], since: memo) != FixLogIngester.ingest(edited) {
            return "reading the copy edited on line \(line) from the memo differs from a fresh reading"
        }
        return nil
    }

    /// Every line reference the reader finds is really in the text (its byte range holds its text) and names
    /// a believable, ordered line range; unreadable ones are in the text too.
    public static func checkLineReferences(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let utf8 = Array(text.utf8)
        for result in [LineReferenceReader.scan(text), LineReferenceReader.readValue(text)] {
            for found in result.found {
                let r = found.byteRange
                guard r.lowerBound >= 0, r.upperBound <= utf8.count, r.lowerBound < r.upperBound else {
                    return "reference '\(found.text)' has byte range \(r) outside the \(utf8.count)-byte text"
                }
                if String(decoding: utf8[r], as: UTF8.self) != found.text {
                    return "reference text '\(found.text)' differs from the bytes at \(r)"
                }
                if found.first < 1 || found.first > found.last || found.last > LineReferenceReader.maximumLine {
                    return "reference '\(found.text)' reads as lines \(found.first)-\(found.last)"
                }
            }
            for bad in result.unreadable {
                let r = bad.byteRange
                guard r.lowerBound >= 0, r.upperBound <= utf8.count, r.lowerBound <= r.upperBound else {
                    return "unreadable reference '\(bad.text)' has byte range \(r) outside the text"
                }
            }
        }
        return nil
    }

    /// The Dockerfile parser never traps, its dump is deterministic, and instruction line spans lie inside the file.
    public static func checkDockerfile(_ bytes: [UInt8]) -> String? {
        let source = SourceText(path: "Dockerfile", bytes: bytes)
        let first = DockerfileParser.parse(source)
        let second = DockerfileParser.parse(source)
        guard let a = first.dockerfile else {
            if second.dockerfile != nil { return "second parse succeeded where the first failed" }
            if first.diagnostics.isEmpty { return "parse failed without a diagnostic" }
            return nil
        }
        guard let b = second.dockerfile else { return "second parse failed where the first succeeded" }
        let dump = a.dump()
        if dump != b.dump() { return "dump differs between two parses of the same bytes" }
        _ = a.jsonDump()
        let lines = max(1, source.lineCount)
        for instruction in a.instructions {
            let span = instruction.lines
            if span.first < 1 || span.first > span.last || span.last > lines {
                return "\(instruction.keyword) spans lines \(span.first)-\(span.last) of a \(lines)-line file"
            }
        }
        return nil
    }

    /// The byte range of `range` when both ends are real locations of `source` (not clamped), else nil.
    static func realRange(_ range: SourceRange, in source: SourceText) -> Range<Int>? {
        guard let a = realOffset(range.start, in: source), let b = realOffset(range.end, in: source), a <= b else {
            return nil
        }
        return a..<b
    }

    static func realOffset(_ location: SourceLocation, in source: SourceText) -> Int? {
        if source.bytes.isEmpty { return location == SourceLocation(line: 1, column: 1) ? 0 : nil }
        guard location.line >= 1, location.column >= 1, location.line <= source.lineStarts.count else { return nil }
        let offset = source.offset(of: location)
        return source.location(ofOffset: offset) == location ? offset : nil
    }
}

extension FuzzProperties {
    /// Regenerating never touches a byte outside fixlog's managed blocks: the lines outside managed blocks
    /// (line endings included) of the input appear, in order and unchanged, in the output, and every line the
    /// output adds outside managed blocks is blank. Line references are not fixed here (that edit is wanted);
    /// target files are resolved under a root that does not exist, so nothing is read from disk.
    public static func checkRegenerate(_ bytes: [UInt8]) -> String? {
        let root = "/nonexistent/fixlog-fuzz"
        let source = SourceText(path: root + "/DOCKERFILE_FIXES.md", bytes: bytes)
        let outcome = Regenerator.regenerate(source: source, results: nil,
                                             options: Regenerator.Options(fixLineReferences: false)) { log in
            CrossLinker.check(log: log, logPath: source.path, root: root)
        }
        guard outcome.succeeded else {
            return outcome.bytes == bytes ? nil : "a refused regeneration changed the bytes"
        }
        let before = unmanagedLines(source)
        let after = unmanagedLines(SourceText(path: source.path, bytes: outcome.bytes))
        // The last line of a file without a final newline gains one when a block is inserted after it (a
        // record heading on the last line); that is the only change allowed to an unmanaged line.
        func same(_ output: ArraySlice<UInt8>, _ input: ArraySlice<UInt8>) -> Bool {
            if output.elementsEqual(input) { return true }
            guard input.last != 0x0A, input.endIndex == bytes.count else { return false }
            return output.elementsEqual(input + [0x0A]) || output.elementsEqual(input + [0x0D, 0x0A])
        }
        var j = 0
        for line in before {
            while j < after.count, !same(after[j], line) {
                if !isBlank(after[j]) {
                    return "output line '\(String(decoding: after[j], as: UTF8.self))' replaces input line '\(String(decoding: line, as: UTF8.self))'"
                }
                j += 1
            }
            if j == after.count { return "input line '\(String(decoding: line, as: UTF8.self))' is missing from the output" }
            j += 1
        }
        if let extra = after[j...].first(where: { !isBlank($0) }) {
            return "output adds line '\(String(decoding: extra, as: UTF8.self))' outside a managed block"
        }
        return nil
    }

    /// The lines (with their line endings) outside managed blocks.
    static func unmanagedLines(_ source: SourceText) -> [ArraySlice<UInt8>] {
        let blocks = ManagedRegions.scan(source).blocks
        var managed = Set<Int>()
        for block in blocks where block.openLine <= block.closeLine {
            for line in block.openLine...block.closeLine { managed.insert(line) }
        }
        var out: [ArraySlice<UInt8>] = []
        for (index, start) in source.lineStarts.enumerated() where !source.bytes.isEmpty && !managed.contains(index + 1) {
            let end = index + 1 < source.lineStarts.count ? source.lineStarts[index + 1] : source.bytes.count
            out.append(source.bytes[start..<end])
        }
        return out
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
    }
}
