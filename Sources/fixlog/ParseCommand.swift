import ArgumentParser
import FixlogCore

struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Read a fix log and print its records.",
        discussion: """
            Prints an outline of the records fixlog recognises (text) or the full model (json, schema \
            version 1, see docs/schema.md). Diagnostics go to standard error as 'path:line:col: severity: [id] message'.

            Examples:
              fixlog parse
              fixlog parse docs/DOCKERFILE_FIXES.md --format json > model.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The fix log.")
    var log: String = "DOCKERFILE_FIXES.md"

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() async throws {
        let parsed = FixLogIngester.load(path: log)
        let unusable: Set<DiagnosticID> = [.fileNotFound, .fileUnreadable, .fileTooLarge]
        if parsed.diagnostics.contains(where: { unusable.contains($0.id) }) {
            Output.report(parsed.diagnostics)
            if parsed.diagnostics.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
            throw ExitCode(1)
        }
        switch format {
        case .text: Output.write(ParseOutline.render(parsed))
        case .json:
            // The direct writer: the same bytes as JSONOutput.encodeUTF8(ParseDocumentV1(parsed)), written in
            // pieces (large logs are encoded on several threads) without joining them first.
            for chunk in try ParseJSONWriter.encodeChunks(parsed) { Output.write(bytes: chunk) }
        }
        Output.report(parsed.diagnostics)
        if parsed.diagnostics.hasErrors { throw ExitCode(1) }
    }
}
