import ArgumentParser
import FixlogCore

struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Read a fix log and print its records.")

    @Argument(help: "The fix log (default: DOCKERFILE_FIXES.md in the current directory).")
    var log: String = "DOCKERFILE_FIXES.md"

    func run() async throws {
        let doc = MarkdownDocument(path: log, markdown: "# hi\n")
        print(doc.root.children.count)
    }
}
