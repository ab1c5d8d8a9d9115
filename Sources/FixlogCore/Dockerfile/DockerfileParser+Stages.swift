/// Builds the stage list (one per FROM) and sets every instruction's stage index.
enum StageBuilder {
    /// - Parameter isFrom: per instruction, whether its `command` is `from` (nil: compute it).
    static func assignStages(_ instructions: inout [Instruction], isFrom: [Bool]? = nil) -> [Stage] {
        var stages: [Stage] = []
        for index in instructions.indices {
            let fromInstruction = isFrom.map { $0[index] } ?? (instructions[index].command == "from")
            if fromInstruction {
                let instruction = instructions[index]
                if var previous = stages.popLast() {
                    previous.instructionIndices = previous.instructionIndices.lowerBound..<index
                    stages.append(previous)
                }
                let args = instruction.arguments
                var name: String?
                if args.count >= 3, args[1].lowercased() == "as" { name = args[2] }
                let platform = instruction.flags.last { $0.hasPrefix("--platform=") }
                    .map { String($0.dropFirst("--platform=".count)) }
                stages.append(Stage(
                    index: stages.count, name: name, baseImage: args.first ?? "", platform: platform,
                    lines: instruction.lines, instructionIndices: index..<(index + 1)))
            }
            if var current = stages.last {
                instructions[index].stageIndex = current.index
                for n in instructions[index].nested.indices { instructions[index].nested[n].stageIndex = current.index }
                current.lines = LineSpan(first: current.lines.first, last: max(current.lines.last, instructions[index].lines.last))
                current.instructionIndices = current.instructionIndices.lowerBound..<(index + 1)
                stages[stages.count - 1] = current
            }
        }
        return stages
    }
}
