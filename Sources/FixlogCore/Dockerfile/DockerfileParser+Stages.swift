/// Builds the stage list (one per FROM) and gives the instructions their stage index and their file's text.
enum StageBuilder {
    /// An instruction and its ONBUILD chain, all with the outer instruction's lines and the placeholder text.
    static func make(_ p: PendingInstruction, lines: LineSpan) -> Instruction {
        Instruction(keyword: p.keyword, nested: p.nested.isEmpty ? [] : p.nested.map { make($0, lines: lines) },
                    jsonForm: p.jsonForm,
                    lines: lines, stageIndex: nil, text: DockerfileText.placeholder, fields: p.fields)
    }

    /// Gives every instruction (and the instruction ONBUILD wraps) the file's text and its stage index, and makes
    /// the stages: one per FROM (`fromIndices`), up to the next one.
    static func assign(_ instructions: inout [Instruction], fromIndices: [Int], text: DockerfileText) -> [Stage] {
        var stages: [Stage] = []
        stages.reserveCapacity(fromIndices.count)
        // The current stage's last line so far; the stage itself is updated when it ends (not per instruction).
        var currentLast = 0
        func finishStage(end: Int) {
            guard !stages.isEmpty else { return }
            let s = stages.count - 1
            stages[s].lines = LineSpan(first: stages[s].lines.first, last: max(stages[s].lines.last, currentLast))
            stages[s].instructionIndices = stages[s].instructionIndices.lowerBound..<end
        }
        var nextFrom = 0
        for index in instructions.indices {
            let f = instructions[index].parsedFields
            if nextFrom < fromIndices.count, fromIndices[nextFrom] == index {
                nextFrom += 1
                finishStage(end: index)
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
                let lines = instructions[index].lines
                stages.append(Stage(
                    index: stages.count, name: name, baseImage: f.argumentCount > 0 ? text.string(at: arguments) : "",
                    platform: platform, lines: lines, instructionIndices: index..<(index + 1)))
                currentLast = lines.last
            }
            let stage: Int? = stages.isEmpty ? nil : stages.count - 1
            instructions[index].fields = .parsed(text, f)
            if stage != nil {
                instructions[index].stageIndex = stage
                currentLast = max(currentLast, instructions[index].lines.last)
            }
            if !instructions[index].nested.isEmpty {
                // Only the directly wrapped instruction gets the stage index.
                for n in instructions[index].nested.indices {
                    instructions[index].nested[n].stageIndex = stage
                    setText(&instructions[index].nested[n], text)
                }
            }
        }
        finishStage(end: instructions.count)
        return stages
    }

    private static func setText(_ instruction: inout Instruction, _ text: DockerfileText) {
        instruction.fields = .parsed(text, instruction.parsedFields)
        for n in instruction.nested.indices { setText(&instruction.nested[n], text) }
    }
}
