import ArgumentParser
import FixlogCore

struct DiagnosticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnostics",
        abstract: "List every diagnostic id fixlog can report, or explain one.",
        discussion: """
            Examples:
              fixlog diagnostics
              fixlog diagnostics unreadable-line-reference
              fixlog diagnostics --markdown > docs/diagnostics.md
            """)

    @Argument(help: "An id to explain, e.g. 'duplicate-record-number'.")
    var id: String?

    @Flag(help: "Print the reference as Markdown (docs/diagnostics.md).")
    var markdown = false

    func run() throws {
        if markdown {
            Output.write(DiagnosticsReference.markdown())
            return
        }
        if let id {
            guard let entry = DiagnosticID(rawValue: id).entry else {
                let near = DiagnosticID.catalog.map(\.id.rawValue).filter { $0.contains(id) || id.contains($0) }
                let hint = near.isEmpty ? "run 'fixlog diagnostics' for the list" : "did you mean '\(near[0])'?"
                throw ValidationError("unknown diagnostic id '\(id)'; \(hint)")
            }
            Output.write("\(entry.id.rawValue) (\(entry.severity.rawValue), \(entry.stage))\n  \(entry.summary)\n")
            return
        }
        for e in DiagnosticID.catalog {
            Output.write("\(e.id.rawValue.padding(toLength: 32, withPad: " ", startingAt: 0)) \(e.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.summary)\n")
        }
    }
}
