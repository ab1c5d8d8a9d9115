import Foundation

/// What fixlog can tell about a verification script without running it: the commands it invokes,
/// the directories it changes into, the files it names, and the Dockerfiles its `build` commands use.
///
/// This is a deliberately small reading of shell, not a shell parser: it splits simple commands on
/// `;`, `&&`, `||`, `|`, `&`, newlines and `$(`, skips assignments, keywords and builtins, follows
/// `cd DIR` lines, and skips here-document bodies. It never executes anything.
public struct ScriptAnalysis: Sendable, Hashable {
    /// Commands in order of first use (no builtins, keywords or functions the script defines).
    public var commands: [String]
    /// Words that look like file paths, each with the directory (relative to the run directory, `.` for
    /// the run directory itself) the script was in when it named them.
    public var namedPaths: [NamedPath]
    /// Dockerfiles used by `podman build` / `docker build` / `buildah build` commands (explicit `-f` or
    /// `<context>/Dockerfile`), relative to the run directory.
    public var buildFiles: [String]

    /// A path named by the script and the directory the script was in.
    public struct NamedPath: Sendable, Hashable {
        /// Directory relative to the run directory (`.` for the run directory).
        public var directory: String
        /// The path as written.
        public var path: String
    }

    static let keywords: Set<String> = [
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in",
        "function", "select", "time", "{", "}", "[[", "]]", "!", "((", "))", "coproc",
    ]
    static let builtins: Set<String> = [
        "cd", "echo", "printf", "test", "[", "export", "set", "unset", "read", "source", ".", "eval", "exit",
        "return", "true", "false", "shift", "trap", "wait", "local", "declare", "typeset", "type", "pushd",
        "popd", "dirs", "ulimit", "umask", "alias", "unalias", "hash", "kill", "let", "readonly", "shopt",
        "getopts", "break", "continue", "builtin", "caller", "enable", "help", "history", "jobs", "fg", "bg",
        "disown", "suspend", "times", "mapfile", "readarray", "compgen", "complete", ":",
    ]
    /// Wrappers whose first non-option argument is the real command.
    static let wrappers: Set<String> = ["sudo", "env", "nohup", "exec", "command", "nice", "stdbuf", "timeout", "xargs"]
    static let containerCLIs: Set<String> = ["podman", "docker", "buildah"]

    /// Analyses `script`.
    public init(script: String) {
        var commands: [String] = []
        var defined: Set<String> = []
        var paths: [NamedPath] = []
        var buildFiles: [String] = []
        var directory = "."

        for line in Self.logicalLines(script) {
            // Function definitions: `name() {` or `function name`.
            if let def = Self.definedFunction(line) { defined.insert(def) }
            for simple in Self.simpleCommands(line) {
                var words = Self.words(simple)
                while let first = words.first, first.contains("="), !first.hasPrefix("="),
                      first.prefix(while: { $0 != "=" }).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    words.removeFirst()
                }
                while let first = words.first, Self.keywords.contains(first) || first.hasSuffix("()") { words.removeFirst() }
                guard var name = words.first else { continue }
                var rest = Array(words.dropFirst())
                while Self.wrappers.contains(name) {
                    if name != "exec", name != "command", !commands.contains(name), !defined.contains(name) {
                        commands.append(name)
                    }
                    rest = rest.drop(while: { $0.hasPrefix("-") || ($0.contains("=") && !$0.hasPrefix("/")) || Int($0) != nil || $0.hasSuffix("s") && Double($0.dropLast()) != nil }).map { $0 }
                    guard let next = rest.first else { name = ""; break }
                    name = next
                    rest = Array(rest.dropFirst())
                }
                guard !name.isEmpty, !name.hasPrefix("$"), !name.hasPrefix("("), !name.hasPrefix("#") else { continue }
                if name == "cd" {
                    if let target = rest.first, !target.hasPrefix("-"), !target.hasPrefix("$"), !target.hasPrefix("~") {
                        directory = Self.join(directory, target)
                    }
                    continue
                }
                if !Self.keywords.contains(name), !Self.builtins.contains(name), !defined.contains(name),
                   !name.contains("="), !commands.contains(name) {
                    commands.append(name)
                }
                for word in rest where Self.looksLikePath(word) {
                    paths.append(NamedPath(directory: directory, path: word))
                }
                if Self.containerCLIs.contains((name as NSString).lastPathComponent) {
                    if let file = Self.buildFile(rest) { buildFiles.append(Self.join(directory, file)) }
                }
            }
        }
        self.commands = commands
        self.namedPaths = paths
        self.buildFiles = Array(NSOrderedSet(array: buildFiles).compactMap { $0 as? String })
    }

    /// For `build [opts] CONTEXT`: the `-f`/`--file` argument, else `CONTEXT/Dockerfile`.
    static func buildFile(_ args: [String]) -> String? {
        guard let sub = args.first, sub == "build" || sub == "bud" || (sub == "image" && args.dropFirst().first == "build") else { return nil }
        var rest = Array(args.drop(while: { $0 == "build" || $0 == "image" || $0 == "bud" }))
        var file: String?
        var context: String?
        let withValue: Set<String> = ["-t", "--tag", "--build-arg", "--target", "--platform", "--label", "--network",
                                       "--secret", "--cache-from", "--cache-to", "--iidfile", "--format", "--ulimit",
                                       "--runtime", "--isolation", "--arch", "--os", "--layers", "--pull", "-v", "--volume"]
        while !rest.isEmpty {
            let w = rest.removeFirst()
            if w == "-f" || w == "--file" { file = rest.isEmpty ? nil : rest.removeFirst(); continue }
            if w.hasPrefix("--file=") { file = String(w.dropFirst(7)); continue }
            if w.hasPrefix("-f"), w.count > 2 { file = String(w.dropFirst(2)); continue }
            if withValue.contains(w) { if !rest.isEmpty { rest.removeFirst() }; continue }
            if w.hasPrefix("-") { continue }
            if context == nil { context = w }
        }
        if let file { return file == "-" ? nil : file }
        guard let context, !context.contains("://"), !context.hasPrefix("$") else { return nil }
        return context == "." ? "Dockerfile" : Self.join(context, "Dockerfile")
    }

    static func looksLikePath(_ word: String) -> Bool {
        guard !word.isEmpty, !word.hasPrefix("-"), !word.hasPrefix("$"), !word.contains("://"),
              !word.contains("*"), !word.contains("="), word.count < 256 else { return false }
        return word.contains("/") || word.contains(".") || word == "Dockerfile" || word == "Containerfile" || word == "Makefile"
    }

    /// Joins a relative directory and a path; absolute paths stay absolute. Normalises `.` and `..`.
    static func join(_ directory: String, _ path: String) -> String {
        let combined = path.hasPrefix("/") ? path : (directory == "." ? path : directory + "/" + path)
        var parts: [String] = []
        for part in combined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(String(part))
        }
        let joined = parts.joined(separator: "/")
        if combined.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Lines with `\`-continuations joined, comments dropped and here-document bodies skipped.
    static func logicalLines(_ script: String) -> [String] {
        var out: [String] = []
        var pending = ""
        var heredocEnd: String?
        for raw in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if let end = heredocEnd {
                if line.trimmingCharacters(in: .whitespaces) == end { heredocEnd = nil }
                continue
            }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let full = pending + line
            pending = ""
            let code = stripComment(full)
            if let range = code.range(of: "<<") {
                var after = code[range.upperBound...].drop(while: { $0 == "-" || $0 == "~" || $0 == " " })
                if !after.hasPrefix("<") {
                    after = after.drop(while: { $0 == "'" || $0 == "\"" })
                    let word = after.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
                    if !word.isEmpty { heredocEnd = String(word) }
                }
            }
            out.append(code)
        }
        if !pending.isEmpty { out.append(stripComment(pending)) }
        return out
    }

    /// Removes a `#` comment that starts a word outside quotes.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var out = ""
        for c in line {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "#", previous == " " || previous == "\t" || previous == ";" {
                break
            }
            out.append(c)
            previous = c
        }
        return out
    }

    static func definedFunction(_ line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("function ") {
            return t.dropFirst(9).split(whereSeparator: { $0 == " " || $0 == "(" || $0 == "{" }).first.map(String.init)
        }
        if let r = t.range(of: "()"), t[..<r.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
           r.lowerBound > t.startIndex {
            return String(t[..<r.lowerBound])
        }
        return nil
    }

    /// Splits a line into simple commands on unquoted `;`, `&&`, `||`, `|`, `&`, and the starts of
    /// `$(`, `` ` ``, `(`.
    static func simpleCommands(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        let chars = Array(line)
        for (i, c) in chars.enumerated() {
            if let q = quote {
                if c == q { quote = nil }
                current.append(c)
                continue
            }
            // `>&2`, `2>&1`, `&>file`, `<&3` are redirections, not separators.
            if c == "&", (i > 0 && (chars[i - 1] == ">" || chars[i - 1] == "<")) || (i + 1 < chars.count && chars[i + 1] == ">") {
                current.append(c)
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                current.append(c)
            case ";", "|", "&", "`", "(", ")":
                if c == "(" && current.hasSuffix("$") {
                    current.removeLast()   // `$(`: a command substitution starts a new command
                } else if c == "(" && !current.isEmpty && !current.hasSuffix(" ") {
                    current.append(c)      // `name()` function definition: keep in the word
                    continue
                } else if c == ")" && current.hasSuffix("(") {
                    current.append(c)
                    continue
                }
                out.append(current)
                current = ""
            default:
                current.append(c)
            }
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Splits a simple command into words, removing quotes. Redirections (`>file`, `2>&1`) are dropped.
    static func words(_ command: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for c in command {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
                continue
            }
            if c == "'" || c == "\"" { quote = c; inWord = true; continue }
            if c == " " || c == "\t" {
                if inWord { out.append(current); current = ""; inWord = false }
                continue
            }
            current.append(c)
            inWord = true
        }
        if inWord { out.append(current) }
        var result: [String] = []
        var skipNext = false
        for w in out {
            if skipNext { skipNext = false; continue }
            let stripped = w.drop(while: { $0.isNumber })
            if stripped.hasPrefix(">") || stripped.hasPrefix("<") {
                // `> file` takes the next word; `>file` and `2>&1` are complete.
                if stripped == ">" || stripped == ">>" || stripped == "<" || stripped == "&>" { skipNext = true }
                continue
            }
            if w.hasPrefix("&>") { continue }
            result.append(w)
        }
        return result
    }
}
