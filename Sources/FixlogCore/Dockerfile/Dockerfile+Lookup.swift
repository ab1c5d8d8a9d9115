extension DockerfileParser {
    /// Reads and parses a Dockerfile. A missing, unreadable or oversized file gives a nil `dockerfile` and
    /// the load error; invalid UTF-8 and NUL bytes are only warnings, since BuildKit reads bytes.
    public static func load(path: String, displayPath: String? = nil) -> DockerfileParseResult {
        let (text, loadDiagnostics) = SourceText.load(path: path, displayPath: displayPath)
        guard let text else { return DockerfileParseResult(dockerfile: nil, diagnostics: loadDiagnostics) }
        let downgraded = loadDiagnostics.map { d -> Diagnostic in
            var copy = d
            if copy.severity == .error { copy.severity = .warning }
            return copy
        }
        // SourceText.load has checked the UTF-8 already: without an invalid-UTF-8 finding the parser need not.
        var result = parse(text, knownValidUTF8: !loadDiagnostics.contains { $0.id == .invalidUTF8 })
        result.diagnostics = downgraded + result.diagnostics
        return result
    }
}

extension Dockerfile {
    /// The stage whose `AS` name matches (case-insensitively, as BuildKit compares stage names).
    public func stage(named name: String) -> Stage? {
        let wanted = name.lowercased()
        return stages.first { $0.name?.lowercased() == wanted }
    }

    /// The last stage (the image `docker build` produces by default).
    public var finalStage: Stage? { stages.last }

    /// The instructions of a stage, FROM first.
    public func instructions(in stage: Stage) -> ArraySlice<Instruction> {
        let range = stage.instructionIndices.clamped(to: instructions.indices)
        return instructions[range]
    }

    /// The index of the instruction whose line span contains `line` (heredoc bodies and continuation lines
    /// included), or nil for comments, blank lines and directives.
    public func instructionIndex(containingLine line: Int) -> Int? {
        var lo = 0, hi = instructions.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let span = instructions[mid].lines
            if line < span.first { hi = mid - 1 } else if line > span.last { lo = mid + 1 } else { return mid }
        }
        return nil
    }
}
