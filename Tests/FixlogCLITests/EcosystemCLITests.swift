import Foundation
import Testing

/// Compares `actual` with the golden file `Tests/FixlogCLITests/Goldens/<name>`. A missing golden is
/// written and the test fails; `FIXLOG_RECORD=1` re-records.
func assertCLIGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = FixlogBinary.packageRoot.appendingPathComponent("Tests/FixlogCLITests/Goldens/\(name)")
    let record = ProcessInfo.processInfo.environment["FIXLOG_RECORD"] == "1"
    guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(actual.utf8).write(to: url)
        if !record { Issue.record("golden \(name) was missing and has been written; review it and run again", sourceLocation: sourceLocation) }
        return
    }
    #expect(actual == expected, "output differs from golden \(name) (FIXLOG_RECORD=1 re-records)", sourceLocation: sourceLocation)
}

/// A clean environment for the binary: fixed terminal width, no CI variables leaking in.
let cliEnvironment: [String: String] = [
    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
    "HOME": FileManager.default.temporaryDirectory.path,
    "COLUMNS": "100", "LANG": "C.UTF-8",
]

@Suite("help texts (snapshots)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct HelpSnapshotTests {
    /// The subcommands `fixlog --help` lists.
    static func listedSubcommands() throws -> [String] {
        let help = try FixlogBinary.run(["--help"], environment: cliEnvironment).stdout
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        let section = help[start.upperBound...].components(separatedBy: "\n\n").first ?? ""
        return section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
    }

    @Test func rootHelpAndVersion() throws {
        let help = try FixlogBinary.run(["--help"], environment: cliEnvironment)
        #expect(help.status == 0)
        assertCLIGolden(help.stdout, "help/fixlog.txt")
        let version = try FixlogBinary.run(["--version"], environment: cliEnvironment)
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }

    @Test func everySubcommandHasAHelpSnapshotWithExamples() throws {
        let listed = try Self.listedSubcommands()
        #expect(listed.contains("check") && listed.contains("ci") && listed.contains("init"))
        var commands = listed.filter { $0 != "help" }.map { [$0] }
        commands.append(["results", "merge"])
        for command in commands {
            let out = try FixlogBinary.run(["help"] + command, environment: cliEnvironment)
            #expect(out.status == 0, "\(command)")
            assertCLIGolden(out.stdout, "help/\(command.joined(separator: "-")).txt")
            #expect(out.stdout.contains("Examples:"), "fixlog \(command.joined(separator: " ")) --help shows examples")
        }
    }
}

@Suite("fixlog init and ci (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct InitAndCITests {
    static let history = FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/dockerfile-history").path

    @Test func initWritesAndNeverOverwrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let first = try FixlogBinary.run(["init", dir.url.path], environment: cliEnvironment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("wrote   \(dir.url.path)/.fixlog.yml"))
        #expect(first.stdout.contains("wrote   \(dir.url.path)/DOCKERFILE_FIXES.md"))
        let config = try String(contentsOfFile: dir.url.path + "/.fixlog.yml", encoding: .utf8)
        #expect(config.contains("version: 1") && config.contains("# fixlog settings"))
        // Edit both; a second init keeps them.
        try Data("# mine\n".utf8).write(to: dir.url.appendingPathComponent("DOCKERFILE_FIXES.md"))
        let second = try FixlogBinary.run(["init", dir.url.path], environment: cliEnvironment)
        #expect(second.status == 0)
        #expect(second.stdout.components(separatedBy: "kept ").count - 1 == 2)
        #expect(try String(contentsOfFile: dir.url.path + "/DOCKERFILE_FIXES.md", encoding: .utf8) == "# mine\n")
        #expect(try String(contentsOfFile: dir.url.path + "/.fixlog.yml", encoding: .utf8) == config)
        // The starter files work with the other commands: the log parses, the config is read.
        let parse = try FixlogBinary.run(["parse"], environment: cliEnvironment, in: dir.url.path)
        #expect(parse.status == 0, "\(parse.stderr)")
        let missing = try FixlogBinary.run(["init", dir.url.path + "/nope"], environment: cliEnvironment)
        #expect(missing.status == 2 && missing.stderr.contains("mkdir -p"))
    }

    /// A little repository: the dockerfile-history log and one Dockerfile state, with a config.
    func project(state: String, config: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(".git"), withIntermediateDirectories: true)
        _ = try dir.write("DOCKERFILE_FIXES.md", try String(contentsOfFile: Self.history + "/DOCKERFILE_FIXES.md", encoding: .utf8))
        _ = try dir.write("Dockerfile", try String(contentsOfFile: Self.history + "/states/\(state)/Dockerfile", encoding: .utf8))
        _ = try dir.write(".fixlog.yml", config)
        return dir
    }

    @Test func checkReadsTheConfigAndFlagsOverrideIt() throws {
        let dir = try project(state: "03-current", config: "version: 1\nlogs: [DOCKERFILE_FIXES.md]\ndockerfile: moved/Dockerfile\n")
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("moved"), withIntermediateDirectories: true)
        _ = try dir.write("moved/Dockerfile", try String(contentsOfFile: Self.history + "/states/04-moved/Dockerfile", encoding: .utf8))
        // No log argument: the config's log, checked against the config's Dockerfile (moved → 1).
        let viaConfig = try FixlogBinary.run(["check"], environment: cliEnvironment, in: dir.url.path)
        #expect(viaConfig.status == 1, "\(viaConfig.stdout)\(viaConfig.stderr)")
        #expect(viaConfig.stdout.contains("moved"))
        // --dockerfile overrides the config.
        let overridden = try FixlogBinary.run(["check", "--dockerfile", "Dockerfile"], environment: cliEnvironment, in: dir.url.path)
        #expect(overridden.status == 0, "\(overridden.stdout)\(overridden.stderr)")
    }

    @Test func siteReadsTheSiteOptions() throws {
        let dir = try project(state: "03-current", config: "version: 1\nsite:\n  output: public\n  title: Config Title Here\n")
        defer { dir.cleanup() }
        let out = try FixlogBinary.run(["site"], environment: cliEnvironment, in: dir.url.path)
        #expect(out.status == 0, "\(out.stderr)")
        let index = try String(contentsOfFile: dir.url.path + "/public/index.html", encoding: .utf8)
        #expect(index.contains("Config Title Here"))
        // A flag overrides the config.
        let flagged = try FixlogBinary.run(["site", "--title", "From The Flag"], environment: cliEnvironment, in: dir.url.path)
        #expect(flagged.status == 0)
        #expect(try String(contentsOfFile: dir.url.path + "/public/index.html", encoding: .utf8).contains("From The Flag"))
    }

    @Test func configErrorsExitTwoWithLineAndSuggestion() throws {
        let dir = try project(state: "03-current", config: "version: 1\ndockerflie: Dockerfile\n")
        defer { dir.cleanup() }
        for command in [["check"], ["verify"], ["ci"]] {
            let out = try FixlogBinary.run(command, environment: cliEnvironment, in: dir.url.path)
            #expect(out.status == 2, "\(command)")
            #expect(out.stderr.contains(".fixlog.yml:2:1: error: [unknown-config-key] unknown setting 'dockerflie'; did you mean 'dockerfile'?"), "\(command): \(out.stderr)")
        }
        _ = try dir.write(".fixlog.yml", "version: 9\n")
        let newer = try FixlogBinary.run(["check"], environment: cliEnvironment, in: dir.url.path)
        #expect(newer.status == 2 && newer.stderr.contains("reads version 1 at most"))
    }

    @Test func ciWritesReportsAndExitsByVerdict() throws {
        let dir = try project(state: "06-regression", config: "version: 1\n")
        defer { dir.cleanup() }
        let out = try FixlogBinary.run(["ci"], environment: cliEnvironment.merging(["GITHUB_ACTIONS": "true"]) { $1 },
                                       in: dir.url.path)
        #expect(out.status == 1, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("verify: skipped (running the log's steps needs --allow-exec or exec: true in .fixlog.yml)"))
        #expect(out.stdout.contains("::error file="), "annotations on stdout under GitHub Actions")
        let results = dir.url.appendingPathComponent("fixlog-results").path
        let sarif = try String(contentsOfFile: results + "/fixlog.sarif", encoding: .utf8)
        #expect(sarif.contains("\"version\": \"2.1.0\"") && sarif.contains("\"ruleId\""))
        let junit = try String(contentsOfFile: results + "/junit.xml", encoding: .utf8)
        #expect(junit.hasPrefix("<?xml") && junit.contains("tests=\"0\""))
        #expect(try String(contentsOfFile: results + "/summary.md", encoding: .utf8).contains("| check | `DOCKERFILE_FIXES.md` | failed |"))
        #expect(try String(contentsOfFile: results + "/github-annotations.txt", encoding: .utf8).contains("::error file="))

        #expect(out.stdout.contains("regenerate --check: the log is out of date"))

        // The current state holds and the log is regenerated: exit 0; --annotations none keeps workflow
        // commands off stdout.
        _ = try dir.write("Dockerfile", try String(contentsOfFile: Self.history + "/states/03-current/Dockerfile", encoding: .utf8))
        let regenerate = try FixlogBinary.run(["regenerate"], environment: cliEnvironment, in: dir.url.path)
        #expect(regenerate.status == 0, "\(regenerate.stderr)")
        let good = try FixlogBinary.run(["ci", "--output-dir", "out", "--annotations", "none"],
                                        environment: cliEnvironment.merging(["GITHUB_ACTIONS": "true"]) { $1 }, in: dir.url.path)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(!good.stdout.contains("::"))
        #expect(FileManager.default.fileExists(atPath: dir.url.path + "/out/fixlog.sarif"))

        // A missing log is an input error (2) with a next step.
        let missing = try FixlogBinary.run(["ci", "nope.md"], environment: cliEnvironment, in: dir.url.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("fixlog init"))
        // Contradictory flags are a usage error (2).
        #expect(try FixlogBinary.run(["ci", "--allow-exec", "--no-verify"], environment: cliEnvironment, in: dir.url.path).status == 2)
    }

    @Test func ciRunsVerificationWhenTheConfigPermitsExec() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(".git"), withIntermediateDirectories: true)
        _ = try dir.write(".fixlog.yml", "version: 1\nexec: true\ntimeout: 30s\n")
        _ = try dir.write("DOCKERFILE_FIXES.md", """
            # Fixes

            ## Fix #1: Greeting (2026-01-01)

            **Issue:** no greeting.

            ### Verification Steps

            ```bash
            echo hello

            # Expected output:
            # hello
            ```

            ## Fix #2: Farewell (2026-01-02)

            **Issue:** no farewell.

            ### Verification Steps

            ```bash
            echo hi

            # Expected output:
            # goodbye
            ```

            """)
        let out = try FixlogBinary.run(["ci"], environment: cliEnvironment, in: dir.url.path)
        #expect(out.status == 1, "a failing step fails ci: \(out.stdout)\(out.stderr)")
        let junit = try String(contentsOfFile: dir.url.path + "/fixlog-results/junit.xml", encoding: .utf8)
        #expect(junit.contains("tests=\"2\"") && junit.contains("<failure"))
        let annotations = try String(contentsOfFile: dir.url.path + "/fixlog-results/github-annotations.txt", encoding: .utf8)
        #expect(annotations.contains("title=fixlog verify #2.1"))
    }
}
