import Foundation

/// Finds the file a change targets: `**File:**` relative to the log's directory, then to the root;
/// container paths (`/app/Dockerfile`) and absolute paths fall back to a file of that name under the root.
/// Never resolves to anything outside the root (symbolic links are followed before the check).
public struct TargetResolver: Sendable {
    /// Canonical absolute root.
    public let root: String
    /// Canonical absolute directory of the log.
    public let logDirectory: String

    /// A resolved target: its absolute path and the path shown to users (relative to the root).
    public struct Target: Sendable, Hashable {
        public var path: String
        public var display: String
    }

    public init(root: String, logPath: String) {
        self.root = Self.canonical(root)
        self.logDirectory = Self.canonical((Self.absolute(logPath) as NSString).deletingLastPathComponent)
    }

    /// The default root: the nearest enclosing directory with a `.git` entry, else the log's directory.
    public static func defaultRoot(forLog logPath: String) -> String {
        let start = canonical((absolute(logPath) as NSString).deletingLastPathComponent)
        var dir = start
        while true {
            if FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(".git")) { return dir }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return start }
            dir = parent
        }
    }

    /// Resolve a `**File:**` value (nil means `Dockerfile`). Errors are diagnostics located at `at` in `logFile`.
    public func resolve(_ written: String?, logFile: String? = nil, at range: SourceRange? = nil)
        -> Result<Target, TargetError>
    {
        let name = (written ?? "Dockerfile").trimmedSpaces
        guard !name.isEmpty, !name.contains("\0") else {
            return .failure(TargetError(diagnostic: .error(.fileNotFound, "empty target file name", file: logFile, range: range)))
        }
        // `Dockerfile:15`, `Dockerfile#L21-L25`: a line suffix glued to the name.
        if let suffix = name.range(of: #"(:\d+(-\d+)?|#L\d+(-L?\d+)?)$"#, options: .regularExpression),
           case .success(let target) = lookUp(String(name[..<suffix.lowerBound]), logFile: logFile, at: range) {
            return .success(target)
        }
        return lookUp(name, logFile: logFile, at: range)
    }

    /// Look a name up beside the log, then under the root (or, for absolute paths, by ever shorter tails).
    func lookUp(_ name: String, logFile: String?, at range: SourceRange?) -> Result<Target, TargetError> {
        var escaped = false
        var candidates: [String] = []
        if name.hasPrefix("/") || name.hasPrefix("~") {
            candidates.append(name)
            // Container or host path: try ever shorter tails under the root (`/app/backend/Dockerfile` →
            // `app/backend/Dockerfile`, `backend/Dockerfile`, `Dockerfile`).
            let parts = name.split(separator: "/").map(String.init).filter { $0 != "~" && $0 != "." }
            for k in parts.indices where !parts[k...].contains("..") {
                candidates.append((root as NSString).appendingPathComponent(parts[k...].joined(separator: "/")))
            }
        } else {
            candidates.append((logDirectory as NSString).appendingPathComponent(name))
            candidates.append((root as NSString).appendingPathComponent(name))
        }
        for candidate in candidates {
            let path = Self.canonical(candidate)
            guard isInsideRoot(path) else { escaped = escaped || !name.hasPrefix("/"); continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return .success(Target(path: path, display: display(path)))
            }
        }
        if escaped {
            return .failure(TargetError(diagnostic: .error(.pathOutsideRoot,
                "target file '\(name)' is outside the root '\(root)'; fixlog does not read it", file: logFile, range: range)))
        }
        return .failure(TargetError(diagnostic: .error(.fileNotFound,
            "target file '\(name)' not found (looked in '\(display(logDirectory))' and the root '\(root)')",
            file: logFile, range: range)))
    }

    /// Whether a canonical path is the root or inside it.
    public func isInsideRoot(_ path: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// The path relative to the root (`.` for the root itself).
    public func display(_ path: String) -> String {
        if path == root { return "." }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// Absolute, `.`/`..` removed, symbolic links resolved (as far as the path exists).
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: absolute(path)).standardizedFileURL.resolvingSymlinksInPath()
        var p = url.path
        if p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// Why a target file could not be used.
public struct TargetError: Error, Sendable, Hashable {
    public var diagnostic: Diagnostic
}
