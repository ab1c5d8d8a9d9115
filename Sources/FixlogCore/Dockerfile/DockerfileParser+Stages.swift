/// Builds the stage list (one per FROM) and sets every instruction's stage index.
enum StageBuilder {
    /// - Parameter isFrom: per instruction, whether its `command` is `from` (nil: compute it).
    static func assignStages(_ instructions: inout [Instruction], isFrom: [Bool]? = nil) -> [Stage] {
        var stages: [Stage] = []
        // The current stage's last line so far; the stage itself is updated when it ends (not per instruction).
        var currentLast = 0
        func finishStage(end: Int) {
            guard !stages.isEmpty else { return }
            let s = stages.count - 1
            stages[s].lines = LineSpan(first: stages[s].lines.first, last: max(stages[s].lines.last, currentLast))
            stages[s].instructionIndices = stages[s].instructionIndices.lowerBound..<end
        }
        for index in instructions.indices {
            let fromInstruction = isFrom.map { $0[index] } ?? (instructions[index].command == "from")
            if fromInstruction {
                finishStage(end: index)
                let instruction = instructions[index]
                let args = instruction.arguments
                var name: String?
                if args.count >= 3, args[1].lowercased() == "as" { name = args[2] }
                let platform = instruction.flags.last { $0.hasPrefix("--platform=") }
                    .map { String($0.dropFirst("--platform=".count)) }
                stages.append(Stage(
                    index: stages.count, name: name, baseImage: args.first ?? "", platform: platform,
                    lines: instruction.lines, instructionIndices: index..<(index + 1)))
                currentLast = instruction.lines.last
            }
            if !stages.isEmpty {
                let current = stages.count - 1
                instructions[index].stageIndex = current
                if !instructions[index].nested.isEmpty {
                    for n in instructions[index].nested.indices { instructions[index].nested[n].stageIndex = current }
                }
                currentLast = max(currentLast, instructions[index].lines.last)
            }
        }
        finishStage(end: instructions.count)
        return stages
    }
}
