/// One finding about an input, located where possible. Every stage of fixlog reports through this type;
/// problems with the input are collected, never thrown.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A related location, e.g. the Dockerfile line a finding about the log points at.
    public struct Note: Sendable, Hashable, Codable {
        public var message: String
        public var file: String?
        public var range: SourceRange?

        public init(message: String, file: String? = nil, range: SourceRange? = nil) {
            self.message = message
            self.file = file
            self.range = range
        }
    }

    public var severity: Severity
    public var id: DiagnosticID
    public var message: String
    /// The file the range refers to, as the user named it (relative paths stay relative).
    public var file: String?
    public var range: SourceRange?
    public var notes: [Note]

    public init(
        _ severity: Severity, _ id: DiagnosticID, _ message: String,
        file: String? = nil, range: SourceRange? = nil, notes: [Note] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.file = file
        self.range = range
        self.notes = notes
    }

    public static func error(
        _ id: DiagnosticID, _ message: String, file: String? = nil, range: SourceRange? = nil,
        notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, id, message, file: file, range: range, notes: notes)
    }

    public static func warning(
        _ id: DiagnosticID, _ message: String, file: String? = nil, range: SourceRange? = nil,
        notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, id, message, file: file, range: range, notes: notes)
    }

    public static func note(
        _ id: DiagnosticID, _ message: String, file: String? = nil, range: SourceRange? = nil
    ) -> Diagnostic {
        Diagnostic(.note, id, message, file: file, range: range)
    }

    /// `path:line:col: severity: [id] message`, the form compilers and editors understand.
    public var formatted: String {
        var out = Self.locationPrefix(file: file, range: range)
        out += "\(severity.rawValue): [\(id.rawValue)] \(message)"
        for note in notes {
            out += "\n" + Self.locationPrefix(file: note.file ?? file, range: note.range)
            out += "note: \(note.message)"
        }
        return out
    }

    static func locationPrefix(file: String?, range: SourceRange?) -> String {
        let path = file ?? "<unknown>"
        guard let range else { return "\(path): " }
        return "\(path):\(range.start.line):\(range.start.column): "
    }

    /// Attach a file name to diagnostics produced without one.
    public func withFile(_ file: String) -> Diagnostic {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Stable order: by file, then position, then severity (errors first), then id.
    public func sortedForOutput() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let l = a.element, r = b.element
            if (l.file ?? "") != (r.file ?? "") { return (l.file ?? "") < (r.file ?? "") }
            let ls = l.range?.start ?? SourceLocation(line: 0, column: 0)
            let rs = r.range?.start ?? SourceLocation(line: 0, column: 0)
            if ls != rs { return ls < rs }
            return a.offset < b.offset
        }.map(\.element)
    }
}
