import ArgumentParser
import FixlogCore
import Foundation

@main
struct Fixlog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixlog",
        abstract: "Keep a project's build-fix log true.",
        discussion: """
            fixlog reads a fix log such as DOCKERFILE_FIXES.md, links every documented change to the real \
            Dockerfile, runs the documented verification steps, and keeps the log's line references and \
            results up to date. Settings come from .fixlog.yml (see docs/config.md; 'fixlog init' writes one).

            Examples:
              fixlog init                      # starter .fixlog.yml and DOCKERFILE_FIXES.md
              fixlog check                     # does the Dockerfile still carry every documented change?
              fixlog verify --allow-exec       # run the documented verification steps
              fixlog ci                        # everything, with SARIF/JUnit/annotations for CI
              fixlog help check                # a command's options and examples
            """,
        version: FixlogVersion.current,
        subcommands: [
            ParseCommand.self, DockerfileCommand.self, CheckCommand.self, VerifyCommand.self, ResultsCommand.self,
            RegenerateCommand.self, RenderCommand.self, NewCommand.self, SiteCommand.self, CICommand.self,
            InitCommand.self, DiagnosticsCommand.self,
        ]
    )

    /// Runs the command, mapping usage errors to exit status 2 (ArgumentParser's default is 64).
    static func main() async {
        Memory.tune()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
