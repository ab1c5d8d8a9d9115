/// Builds the stage list (one per FROM) and the instructions, each with its stage index.
enum StageBuilder {
    /// Makes the instructions of a parsed file (their text fields spans of `text`) and its stages.
    static func build(_ pending: [PendingInstruction], text: DockerfileText) -> ([Instruction], [Stage]) {
        var instructions: [Instruction] = []
        instructions.reserveCapacity(pending.count)
        var stages: [Stage] = []
        // The current stage's last line so far; the stage itself is updated when it ends (not per instruction).
        var currentLast = 0
        func finishStage(end: Int) {
            guard !stages.isEmpty else { return }
            let s = stages.count - 1
            stages[s].lines = LineSpan(first: stages[s].lines.first, last: max(stages[s].lines.last, currentLast))
            stages[s].instructionIndices = stages[s].instructionIndices.lowerBound..<end
        }
        for (index, p) in pending.enumerated() {
            if p.isFrom {
                finishStage(end: index)
                let f = p.fields
                let arguments = f.argumentsFirst
                var name: String?
                if f.argumentCount >= 3, text.string(at: arguments + 1).lowercased() == "as" {
                    name = text.string(at: arguments + 2)
                }
                var platform: String?
                for i in stride(from: f.flagsFirst + f.flagCount - 1, through: f.flagsFirst, by: -1) {
                    let flag = text.string(at: i)
                    if flag.hasPrefix("--platform=") {
                        platform = String(flag.dropFirst("--platform=".count))
                        break
                    }
                }
                stages.append(Stage(
                    index: stages.count, name: name, baseImage: f.argumentCount > 0 ? text.string(at: arguments) : "",
                    platform: platform, lines: p.lines, instructionIndices: index..<(index + 1)))
                currentLast = p.lines.last
            }
            let stage: Int? = stages.isEmpty ? nil : stages.count - 1
            if stage != nil { currentLast = max(currentLast, p.lines.last) }
            instructions.append(make(p, text: text, stage: stage, lines: p.lines, depth: 0))
        }
        finishStage(end: instructions.count)
        return (instructions, stages)
    }

    /// An instruction and its ONBUILD chain (only the directly wrapped instruction gets the stage index, and all
    /// share the outer instruction's lines).
    private static func make(_ p: PendingInstruction, text: DockerfileText, stage: Int?, lines: LineSpan, depth: Int)
        -> Instruction
    {
        let nested = p.nested.map { make($0, text: text, stage: depth == 0 ? stage : nil, lines: lines, depth: depth + 1) }
        return Instruction(keyword: p.keyword, nested: nested, jsonForm: p.jsonForm, lines: lines, stageIndex: stage,
                           text: text, fields: p.fields)
    }
}
