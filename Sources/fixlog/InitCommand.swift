import ArgumentParser
import FixlogCore
import Foundation

/// `fixlog init`: write a commented starter `.fixlog.yml` and, if there is none, a starter log.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter .fixlog.yml and, if none exists, a starter fix log.",
        discussion: """
            Never overwrites: an existing .fixlog.yml or log is left as it is and reported. The config \
            names the log; every setting is explained in it and in docs/config.md.

            Exit status: 0 when the files exist afterwards (written now or before); 2 when the directory \
            is missing or a file cannot be written.

            Examples:
              fixlog init
              fixlog init services/api --log DOCKERFILE_FIXES.md
            """)

    @Argument(help: "The directory to set up (default: the current directory).")
    var directory: String = "."

    @Option(help: "The fix log's file name, relative to the directory.")
    var log: String = "DOCKERFILE_FIXES.md"

    func validate() throws {
        if log.isEmpty { throw ValidationError("--log needs a file name, e.g. --log DOCKERFILE_FIXES.md") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            Output.error("fixlog init: error: '\(directory)' is not a directory; create it first (mkdir -p \(directory))")
            throw ExitCode(2)
        }
        let configPath = (directory as NSString).appendingPathComponent(FixlogConfig.fileName)
        let logPath = (directory as NSString).appendingPathComponent(log)
        var failed = false
        for (path, text, what) in [(configPath, Starter.config(log: log), "config"), (logPath, Starter.log(), "fix log")] {
            if FileManager.default.fileExists(atPath: path) {
                Output.write("kept    \(path) (exists; fixlog init never overwrites)\n")
                continue
            }
            // O_EXCL: never replace a file that appeared meanwhile.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else {
                Output.error("fixlog init: error: cannot create \(what) '\(path)': \(String(cString: strerror(errno))); check the directory's permissions")
                failed = true
                continue
            }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            handle.write(Data(text.utf8))
            Output.write("wrote   \(path)\n")
        }
        if failed { throw ExitCode(2) }
        Output.write("next: document a fix in \(logPath), then run 'fixlog check' (see 'fixlog help check')\n")
    }
}
