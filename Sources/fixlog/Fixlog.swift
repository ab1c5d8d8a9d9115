import ArgumentParser
import FixlogCore

@main
struct Fixlog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixlog",
        abstract: "Keep a project's build-fix log true.",
        discussion: """
            fixlog reads a fix log such as DOCKERFILE_FIXES.md, links every documented change to the real \
            Dockerfile, runs the documented verification steps, and keeps the log's line references and \
            results up to date.
            """,
        version: FixlogVersion.current,
        subcommands: [ParseCommand.self, DockerfileCommand.self, VerifyCommand.self, ResultsCommand.self, DiagnosticsCommand.self]
    )
}
