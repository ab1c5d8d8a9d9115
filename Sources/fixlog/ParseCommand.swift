import ArgumentParser
import FixlogCore
import Foundation

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
        let parsed = FixLogIngester.load(path: log, scratch: .keepUntilExit)
        Output.keepUntilExit(parsed)
        let unusable: Set<DiagnosticID> = [.fileNotFound, .fileUnreadable, .fileTooLarge]
        if parsed.diagnostics.contains(where: { unusable.contains($0.id) }) {
            Output.report(parsed.diagnostics)
            if parsed.diagnostics.contains(where: { $0.id == .fileNotFound }) { Output.error(Hint.missingLog) }
            throw ExitCode(1)
        }
        switch format {
        case .text: Output.write(ParseOutline.render(parsed))
        case .json:
            // The direct writer: the same bytes as JSONOutput.encodeUTF8(ParseDocumentV1(parsed)), handed over
            // in pieces of about a megabyte (large logs are encoded on several threads), never all in memory.
            try ParseJSONWriter.write(parsed) { piece in
                guard let base = piece.baseAddress, piece.count > 0 else { return }
                FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                     count: piece.count, deallocator: .none))
            }
        }
        Output.report(parsed.diagnostics)
        if parsed.diagnostics.hasErrors { throw ExitCode(1) }
    }
}
