import ArgumentParser
import Foundation
import FixlogCore

/// `fixlog dockerfile FILE [--format text|json|buildkit]`: print the parsed Dockerfile model.
struct DockerfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dockerfile",
        abstract: "Parse a Dockerfile with BuildKit's rules and print its instructions and stages.",
        discussion: """
            Formats: text (a readable listing with line spans), json (schema version 1), buildkit (BuildKit's \
            parser dump, one line per instruction). Exit status: 0 when the file parses, 1 when BuildKit would \
            reject it, 2 on usage errors or an unreadable file.

            Examples:
              fixlog dockerfile Dockerfile
              fixlog dockerfile Dockerfile --format json > dockerfile.json
              fixlog dockerfile Dockerfile --format buildkit
            """)

    @Argument(help: "The Dockerfile to read.")
    var file: String

    @Option(name: .long, help: "Output format: text, json or buildkit.")
    var format: String = "text"

    func run() async throws {
        guard let kind = OutputFormat(rawValue: format) else {
            FileHandle.standardError.write(Data(
                "fixlog dockerfile: error: unknown format '\(format)'; use --format text, json or buildkit\n".utf8))
            throw ExitCode(2)
        }
        let result = DockerfileParser.load(path: file)
        printDiagnostics(result.diagnostics)
        let inputErrors: Set<DiagnosticID> = [.fileNotFound, .fileUnreadable, .fileTooLarge]
        if result.diagnostics.contains(where: { $0.severity == .error && inputErrors.contains($0.id) }) {
            if result.diagnostics.contains(where: { $0.id == .fileNotFound }) {
                Output.error("fixlog: hint: pass the Dockerfile's path, e.g. 'fixlog dockerfile docker/Dockerfile'")
            }
            throw ExitCode(2)
        }
        guard let dockerfile = result.dockerfile else { throw ExitCode(1) }
        switch kind {
        case .buildkit: write(dockerfile.dump())
        case .json: write(dockerfile.jsonDump())
        case .text: write(DockerfileListing.render(dockerfile))
        }
    }

    enum OutputFormat: String {
        case text, json, buildkit
    }

    private func write(_ s: String) {
        FileHandle.standardOutput.write(Data(s.utf8))
    }

    private func printDiagnostics(_ diagnostics: [Diagnostic]) {
        for d in diagnostics.sortedForOutput() {
            FileHandle.standardError.write(Data((d.formatted + "\n").utf8))
        }
    }
}

/// The `text` format: stages with their line spans, each instruction as `L12-14  RUN …`.
enum DockerfileListing {
    static func render(_ d: Dockerfile) -> String {
        var out = "\(d.path): \(d.instructions.count) instructions, \(d.stages.count) stages, \(d.lineCount) lines"
        if d.escapeCharacter != "\\" { out += ", escape \(d.escapeCharacter)" }
        out += "\n"
        for directive in d.directives {
            out += "# \(directive.name)=\(directive.value)  (line \(directive.line))\n"
        }
        let width = d.instructions.map { label($0.lines).count }.max() ?? 0
        func line(_ i: Instruction) -> String {
            var s = "  " + label(i.lines).padding(toLength: width, withPad: " ", startingAt: 0) + "  " + i.original + "\n"
            for h in i.heredocs {
                let count = h.content.split(separator: "\n", omittingEmptySubsequences: false).count - 1
                s += "  " + String(repeating: " ", count: width) + "    heredoc \(h.name): \(count) line\(count == 1 ? "" : "s")"
                if !h.expand { s += ", not expanded" }
                if h.chomp { s += ", tabs stripped" }
                s += "\n"
            }
            return s
        }
        let global = d.instructions.filter { $0.stageIndex == nil }
        if !global.isEmpty {
            out += d.stages.isEmpty ? "instructions (no FROM):\n" : "before the first FROM:\n"
            for i in global { out += line(i) }
        }
        for stage in d.stages {
            out += "stage \(stage.index)"
            if let name = stage.name { out += " \"\(name)\"" }
            out += ": FROM \(stage.baseImage)"
            if let platform = stage.platform { out += " (platform \(platform))" }
            out += ", lines \(stage.lines.first)-\(stage.lines.last)\n"
            for index in stage.instructionIndices where d.instructions.indices.contains(index) {
                out += line(d.instructions[index])
            }
        }
        for w in d.warnings {
            out += "warning: line \(w.range?.start.line ?? 0): \(w.message)\n"
        }
        return out
    }

    static func label(_ span: LineSpan) -> String {
        span.isSingleLine ? "L\(span.first)" : "L\(span.first)-\(span.last)"
    }
}
