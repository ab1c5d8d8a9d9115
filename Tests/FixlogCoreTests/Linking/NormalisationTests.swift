import Testing
@testable import FixlogCore

@Suite struct NormalisationTests {
    @Test func imageReferences() {
        #expect(ImageReference.normalise("ubuntu") == "ubuntu:latest")
        #expect(ImageReference.normalise("docker.io/ubuntu") == "ubuntu:latest")
        #expect(ImageReference.normalise("docker.io/library/ubuntu:22.04") == "ubuntu:22.04")
        #expect(ImageReference.normalise("index.docker.io/library/python:3.11") == "python:3.11")
        #expect(ImageReference.normalise("index.docker.io/pytorch/pytorch") == "pytorch/pytorch:latest")
        #expect(ImageReference.normalise("ghcr.io/org/app") == "ghcr.io/org/app:latest")
        #expect(ImageReference.normalise("localhost:5000/app") == "localhost:5000/app:latest")
        #expect(ImageReference.normalise("localhost:5000/app:1") == "localhost:5000/app:1")
        #expect(ImageReference.normalise("alpine@sha256:abc") == "alpine@sha256:abc")
        #expect(ImageReference.normalise("${BASE}") == "${BASE}")
        #expect(ImageReference.normalise("scratch") == "scratch")
        #expect(ImageReference.looksLikeImage("nvidia/cuda:12.4.1-runtime-ubuntu22.04"))
        #expect(!ImageReference.looksLikeImage("PyTorch installation (no longer needed)"))
        #expect(!ImageReference.looksLikeImage("ubuntu"))
        #expect(ImageReference.looksLikeImage("ubuntu", loose: true))
        #expect(ImageReference.looksLikeImage("python:3.11-slim"))
        #expect(ImageReference.looksLikeImage("alpine@sha256:0123"))
        #expect(!ImageReference.looksLikeImage("localhost:8000"))
        #expect(!ImageReference.looksLikeImage("app/data"))
        #expect(!ImageReference.looksLikeImage("/app/data:/data"))
    }

    @Test func keysIgnoreLayoutCaseCommentsFlagOrderAndRegistry() {
        let k: (String) -> String = { InstructionNormalizer.key(original: $0) }
        #expect(k("RUN  apt-get   update") == k("run apt-get update"))
        #expect(k("COPY --chown=a --from=b x y") == k("COPY --from=b --chown=a x y"))
        #expect(k("RUN make  # build it") == k("RUN make"))
        #expect(k("FROM docker.io/library/python:3.11 AS Builder") == k("FROM python:3.11 as builder"))
        #expect(k("FROM ubuntu") == k("FROM index.docker.io/library/ubuntu:latest"))
        #expect(k(#"CMD [ "a",  "b" ]"#) == k(#"CMD ["a","b"]"#))
        #expect(k("ONBUILD run make") == k("ONBUILD RUN make"))
        // Not normalised away: quoted '#', argument order, different values.
        #expect(k(##"RUN echo "# not a comment""##) != k("RUN echo"))
        #expect(k("RUN a b") != k("RUN b a"))
        #expect(k("FROM python:3.10") != k("FROM python:3.11"))
        #expect(k("COPY --from=b x y") != k("COPY x y"))
    }

    @Test func normalisationsNeededAreNamed() {
        func needed(_ a: [String], _ b: [String]) -> [Normalisation] {
            InstructionNormalizer.normalisationsNeeded(claimLines: a, targetLines: b)
        }
        #expect(needed(["RUN make"], ["RUN make"]) == [])
        #expect(needed(["RUN make"], ["run make"]) == [.keywordCase])
        #expect(needed(["RUN a  b"], ["RUN a b"]) == [.whitespace])
        #expect(needed(["RUN a && b"], ["RUN a \\", "  && b"]) == [.continuation])
        #expect(needed(["RUN a \\", "  && b"], ["RUN a && \\", "  b"]) == [.continuation])
        #expect(needed(["RUN a \\", "    && b"], ["RUN a \\", "  && b"]) == [])
        #expect(needed(["RUN make"], ["RUN make # why"]) == [.trailingComment])
        #expect(needed(["COPY --a=1 --b=2 x y"], ["COPY --b=2 --a=1 x y"]) == [.flagOrder])
        #expect(needed(["FROM python:3.11"], ["FROM docker.io/python:3.11"]) == [.imageReference])
    }

    @Test func wordDiffAndSimilarity() {
        let d = WordDiff(from: ["RUN", "useradd", "--uid", "1000", "app"], to: ["RUN", "useradd", "--uid", "10001", "app"])
        #expect(d.plain == "RUN useradd --uid [-1000-] {+10001+} app")
        #expect(WordDiff(from: ["a"], to: ["a", "b"]).plain == "a {+b+}")
        #expect(WordDiff(from: ["a", "b"], to: []).plain == "[-a b-]")
        #expect(WordDiff.similarity(["a", "b", "c", "d"], ["a", "b", "c", "e"]) == 0.75)
        #expect(WordDiff.similarity([], []) == 1)
        #expect(WordDiff.similarity(["a"], ["b"]) == 0)
    }

    @Test func lineReferenceForms() {
        let f = LineReferenceFormatter.format
        #expect(f(LineSpan(line: 25), "line 21") == "line 25")
        #expect(f(LineSpan(first: 35, last: 36), "lines 32-33") == "lines 35-36")
        #expect(f(LineSpan(first: 35, last: 36), "line 21") == "lines 35-36")
        #expect(f(LineSpan(line: 40), "lines 32-33") == "line 40")
        #expect(f(LineSpan(first: 3, last: 27), "Lines 1–25") == "Lines 3–27")
        #expect(f(LineSpan(line: 22), "Dockerfile:15") == "Dockerfile:22")
        #expect(f(LineSpan(line: 47), "40") == "47")
        #expect(f(LineSpan(first: 30, last: 34), "L21-L25") == "L30-L34")
        #expect(f(LineSpan(first: 30, last: 34), "#L21") == "#L30-L34")
        #expect(f(LineSpan(first: 2, last: 3), "lines 10 to 12") == "lines 2 to 3")
    }

    @Test func stageHints() {
        let stages = [
            Stage(index: 0, name: "builder", baseImage: "python", lines: LineSpan(first: 1, last: 5), instructionIndices: 0..<2),
            Stage(index: 1, name: "deps", baseImage: "python", lines: LineSpan(first: 6, last: 9), instructionIndices: 2..<4),
            Stage(index: 2, name: nil, baseImage: "python", lines: LineSpan(first: 10, last: 12), instructionIndices: 4..<6),
        ]
        #expect(StageResolver.resolve("Builder Stage", in: stages) == 0)
        #expect(StageResolver.resolve("Builder Stage Changes", in: stages) == 0)
        #expect(StageResolver.resolve("Runtime Stage", in: stages) == 2)
        #expect(StageResolver.resolve("Final Stage", in: stages) == 2)
        #expect(StageResolver.resolve("stage `deps`", in: stages) == 1)
        #expect(StageResolver.resolve("Deps", in: stages) == 1)
        #expect(StageResolver.resolve("Frontend", in: stages) == nil)
        #expect(StageResolver.resolve(nil, in: stages) == nil)
        let unnamed = [Stage(index: 0, name: nil, baseImage: "a", lines: LineSpan(line: 1), instructionIndices: 0..<1)]
        #expect(StageResolver.resolve("Builder Stage", in: unnamed) == nil)
    }
}
