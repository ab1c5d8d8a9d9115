import Foundation

/// The container command line a run uses in place of the one a step names.
public enum ContainerCLI: String, Sendable, Hashable, Codable, CaseIterable {
    case podman, docker

    /// The other engine: a step that runs this one is run with `self` instead.
    public var other: ContainerCLI { self == .podman ? .docker : .podman }
}

/// A command a step needs, and where it was found on PATH.
public struct Prerequisite: Sendable, Hashable, Codable {
    /// The command as the step names it (`podman`).
    public var command: String
    /// The command actually run for it (`docker` when `--container-cli docker` swaps `podman`).
    public var runAs: String
    /// The absolute path it resolves to, or nil when it is not on PATH.
    public var path: String?
    /// Whether the command was named by a `requires=` option (rather than found in the script).
    public var explicit: Bool

    /// Whether the command was found.
    public var isAvailable: Bool { path != nil }
}

/// Resolves the commands a step invokes against a PATH, applying a container CLI swap.
public struct Prerequisites: Sendable {
    /// The PATH value the steps run with.
    public var searchPath: String
    /// When set, a step that runs `podman` runs `docker` (and vice versa) as this engine.
    public var containerCLI: ContainerCLI?

    public init(searchPath: String, containerCLI: ContainerCLI? = nil) {
        self.searchPath = searchPath
        self.containerCLI = containerCLI
    }

    /// The command that really runs for `command`.
    public func effectiveCommand(_ command: String) -> String {
        if let cli = containerCLI, command == cli.other.rawValue { return cli.rawValue }
        return command
    }

    /// The prerequisites of a step: the script's commands plus `requires=` names, resolved on PATH.
    /// Commands given with a path (`./run.sh`, `/usr/bin/x`) are checked relative to `directory`.
    public func resolve(commands: [String], requires: [String], directory: String) -> [Prerequisite] {
        var seen: Set<String> = []
        var out: [Prerequisite] = []
        for (name, explicit) in requires.map({ ($0, true) }) + commands.map({ ($0, false) }) where !seen.contains(name) {
            seen.insert(name)
            let runAs = effectiveCommand(name)
            out.append(Prerequisite(command: name, runAs: runAs, path: locate(runAs, directory: directory), explicit: explicit))
        }
        return out
    }

    /// The absolute path of an executable `name`, searching `searchPath` (or relative to `directory`
    /// when `name` contains a slash).
    public func locate(_ name: String, directory: String) -> String? {
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
            // A relative script may be created by the step itself; only absolute paths are checked.
            return name.hasPrefix("/") ? (isExecutable(full) ? full : nil) : full
        }
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    private func isExecutable(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
            && access(path, X_OK) == 0
    }

    /// The skip reason for the first missing prerequisite ("podman not found"), or nil when all are there.
    public static func skipReason(_ prerequisites: [Prerequisite]) -> String? {
        let missing = prerequisites.filter { !$0.isAvailable }.map(\.runAs)
        guard !missing.isEmpty else { return nil }
        return missing.map { "\($0) not found" }.joined(separator: ", ")
    }
}
