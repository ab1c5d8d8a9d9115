import Foundation
import Testing

/// Runs the built `fixlog` binary (`<package root>/.build/debug/fixlog`).
enum FixlogBinary {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let url = packageRoot.appendingPathComponent(".build/debug/fixlog")
    static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

@Suite("fixlog dockerfile (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct DockerfileCommandTests {
    static let sample = """
        # syntax=docker/dockerfile:1
        ARG BASE=alpine
        FROM golang:1.22 AS build
        RUN <<EOF
        go build ./...
        EOF
        COPY --from=build \\
          /src /dst

        FROM ${BASE}
        CMD ["/app"]

        """

    @Test func buildkitFormat() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("Dockerfile", Self.sample)
        let r = try FixlogBinary.run(["dockerfile", path, "--format", "buildkit"])
        #expect(r.status == 0)
        #expect(r.stdout == """
            (arg "BASE=alpine")
            (from "golang:1.22" "AS" "build")
            (run "<<EOF")
            (copy ["--from=build"] "/src" "/dst")
            (from "${BASE}")
            (cmd "/app")

            """)
        #expect(r.stderr.isEmpty)
    }

    @Test func textFormat() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("Dockerfile", Self.sample)
        let r = try FixlogBinary.run(["dockerfile", path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("stage 0 \"build\": FROM golang:1.22, lines 3-8"))
        #expect(r.stdout.contains("stage 1: FROM ${BASE}, lines 10-11"))
        #expect(r.stdout.contains("L4-6  RUN <<EOF"))
        #expect(r.stdout.contains("L7-8  COPY --from=build   /src /dst"))
        #expect(r.stdout.contains("before the first FROM:\n  L2    ARG BASE=alpine"))
    }

    @Test func jsonFormat() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("Dockerfile", Self.sample)
        let r = try FixlogBinary.run(["dockerfile", path, "--format", "json"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        let instructions = try #require(object["instructions"] as? [[String: Any]])
        #expect(instructions.count == 6)
        #expect(instructions[2]["startLine"] as? Int == 4)
        #expect(instructions[2]["endLine"] as? Int == 6)
        #expect(instructions[0]["stage"] is NSNull)
        let heredocs = try #require(instructions[2]["heredocs"] as? [[String: Any]])
        #expect(heredocs.first?["content"] as? String == "go build ./...\n")
        let stages = try #require(object["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == ["build", nil])
        #expect(stages.map { $0["startLine"] as? Int } == [3, 10])
        #expect(r.stdout.contains("\"baseImage\" : \"golang:1.22\""))
        #expect(r.stdout.contains("\"/src\""), "slashes are not escaped")
    }

    @Test func brokenFileExitsOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("Dockerfile", "FROM alpine\nRUN cat <<EOF\nno terminator\n")
        for format in ["text", "json", "buildkit"] {
            let r = try FixlogBinary.run(["dockerfile", path, "--format", format])
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("\(path):2:1: error: [dockerfile-unterminated-heredoc] unterminated heredoc"))
        }
    }

    @Test func missingFileAndBadFormatExitTwo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let missing = dir.url.appendingPathComponent("nope").path
        let r = try FixlogBinary.run(["dockerfile", missing])
        #expect(r.status == 2)
        #expect(r.stderr.contains("[file-not-found]"))
        let path = try dir.write("Dockerfile", "FROM alpine\n")
        let bad = try FixlogBinary.run(["dockerfile", path, "--format", "yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown format 'yaml'"))
    }

    @Test func warningsGoToStderr() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try dir.write("Dockerfile", "FROM alpine\nRUN a \\\n\n  b\n")
        let r = try FixlogBinary.run(["dockerfile", path, "--format", "buildkit"])
        #expect(r.status == 0)
        #expect(r.stdout == "(from \"alpine\")\n(run \"a   b\")\n")
        #expect(r.stderr.contains("\(path):4:1: warning: [dockerfile-empty-continuation] Empty continuation line found in: RUN a   b"))
    }
}
