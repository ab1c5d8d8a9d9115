import ArgumentParser
import Foundation
import FixlogCore

struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Work with verification results files.",
        discussion: """
            Examples:
              fixlog results merge shard-*.json -o results.json --junit junit.xml
            """,
        subcommands: [Merge.self])

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine results files (e.g. from `verify --shard I/N` jobs) into one.",
            discussion: """
                Exit status: 0 when no merged step failed; 1 when one failed, errored or timed out, or an \
                input is missing or unreadable; 2 on usage errors.

                Examples:
                  fixlog results merge .fixlog-shard-*.json -o results.json
                  fixlog results merge a.json b.json -o results.json --junit junit.xml
                """)

        @Argument(help: "Results files to combine; for a step present in several, the later file wins.")
        var inputs: [String]

        @Option(name: .shortAndLong, help: "The combined results file.")
        var output: String

        @Option(help: "Also write JUnit XML for the combined results.")
        var junit: String?

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("give at least one results file to merge") }
        }

        func run() async throws {
            var parts: [VerificationResults] = []
            var failed = false
            for path in inputs {
                do {
                    if let r = try VerificationResults.read(path: path) { parts.append(r) } else {
                        FileHandle.standardError.write(Data("\(path): error: [\(DiagnosticID.fileNotFound.rawValue)] no such results file; check the path (verify writes .fixlog/results.json beside the log, or the --results path)\n".utf8))
                        failed = true
                    }
                } catch {
                    FileHandle.standardError.write(Data("error: [\(DiagnosticID.unreadableResults.rawValue)] \(error)\n".utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
            let merged = VerificationResults.merge(parts)
            try merged.write(path: output)
            if let junit {
                try VerificationResults.writeAtomically(
                    Data(JUnitRenderer.render(merged, timestamp: VerificationEngine.timestamp(Date())).utf8), to: junit)
            }
            print(VerificationReport.summary(merged.steps) + "  (merged \(inputs.count) file\(inputs.count == 1 ? "" : "s") into \(output))")
            if !merged.succeeded { throw ExitCode.failure }
        }
    }
}
