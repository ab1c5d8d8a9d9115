/// Lookup tables over one Dockerfile's instructions, built once per file: by normalised text, by base
/// image, and by word (for the closest-instruction search). Matching a claim never scans every instruction.
public struct InstructionIndex: Sendable {
    public let dockerfile: Dockerfile
    /// Normalised text of each instruction (same order as `dockerfile.instructions`).
    public let keys: [String]
    /// Similarity words of each normalised instruction (see ``InstructionNormalizer/similarityWords(ofKey:)``).
    let words: [[String]]
    let byKey: [String: [Int]]
    /// `FROM` instructions by normalised image.
    let byImage: [String: [Int]]
    /// keyword → word → instructions containing the word.
    let postings: [String: [String: [Int]]]
    let byKeyword: [String: [Int]]
    /// For each `FROM` instruction, ``InstructionNormalizer/imageWords(_:)`` of its normalised image (of `""`
    /// when it names none); empty for every other instruction.
    let imageWords: [[String]]

    /// Words that occur in more instructions than this are not used to find candidates (unless every word is).
    static let commonWordLimit = 200
    /// How many best-sharing candidates get an exact similarity score.
    static let candidatesScored = 16

    /// Instructions per core below which the index is built on one core.
    static let parallelMinimum = 256

    /// What the index keeps of one instruction (computed for each instruction independently).
    struct Entry: Sendable {
        var key: String
        var words: [String]
        var command: String
        var image: String?
        var imageWords: [String]
    }

    public init(_ dockerfile: Dockerfile) {
        self.dockerfile = dockerfile
        // Normalising an instruction is independent of the others: a large file is normalised on all cores.
        let count = dockerfile.instructions.count
        let entries = Parallel.map(Array(0..<count), minimumPerWorker: Self.parallelMinimum) { i -> Entry in
            let key = InstructionNormalizer.key(dockerfile.instructions[i])
            let command = dockerfile.instructions[i].command
            let image = command == "from" ? InstructionNormalizer.image(ofKey: key) : nil
            return Entry(key: key, words: InstructionNormalizer.similarityWords(ofKey: key), command: command, image: image,
                         imageWords: command == "from" ? InstructionNormalizer.imageWords(image ?? "") : [])
        }
        var keys: [String] = [], words: [[String]] = [], imageWords: [[String]] = []
        var byKey: [String: [Int]] = [:], byImage: [String: [Int]] = [:]
        var postings: [String: [String: [Int]]] = [:], byKeyword: [String: [Int]] = [:]
        keys.reserveCapacity(count)
        words.reserveCapacity(count)
        imageWords.reserveCapacity(count)
        byKey.reserveCapacity(count)
        for i in entries.indices {
            let key = entries[i].key
            keys.append(key)
            words.append(entries[i].words)
            imageWords.append(entries[i].imageWords)
            byKey[key, default: []].append(i)
            let kw = entries[i].command
            byKeyword[kw, default: []].append(i)
            if let image = entries[i].image {
                byImage[image, default: []].append(i)
            }
            var table = postings.removeValue(forKey: kw) ?? [:]
            let w = entries[i].words
            // Each instruction once per word (a word repeated in the instruction is not listed again).
            if w.count <= 16 {
                for k in w.indices where !w[..<k].contains(w[k]) { table[w[k], default: []].append(i) }
            } else {
                var seen = Set<String>()
                for word in w where seen.insert(word).inserted { table[word, default: []].append(i) }
            }
            postings[kw] = table
        }
        self.keys = keys
        self.words = words
        self.imageWords = imageWords
        self.byKey = byKey
        self.byImage = byImage
        self.postings = postings
        self.byKeyword = byKeyword
    }

    /// Instructions whose normalised text equals `key`, in file order.
    public func exact(_ key: String) -> [Int] { byKey[key] ?? [] }

    /// `FROM` instructions of a normalised image, in file order.
    public func from(image: String) -> [Int] { byImage[image] ?? [] }

    /// All instructions with a keyword, in file order.
    public func instructions(keyword: String) -> [Int] { byKeyword[keyword] ?? [] }

    /// The instruction of the same keyword most similar to `key` (Dice over words), if it reaches
    /// `threshold`. `allowed` restricts the candidates (e.g. to a stage).
    ///   `near` (a Dockerfile line, e.g. the documented one) picks the candidates to score when every word of
    ///   the claim is common, so the search stays bounded.
    public func closest(to key: String, keyword: String, threshold: Double, near: Int? = nil,
                        allowed: (Int) -> Bool = { _ in true }) -> (index: Int, similarity: Double)? {
        let claimWords = InstructionNormalizer.similarityWords(ofKey: key)
        guard let table = postings[keyword], !claimWords.isEmpty else { return nil }
        // Distinct words in claim order (a Set's order changes from run to run, and the rarest list is picked
        // by the first minimum).
        var seen = Set<String>()
        let unique = claimWords.filter { seen.insert($0).inserted }
        var lists: [ArraySlice<Int>] = unique.compactMap { table[$0].map { $0[...] } }
        guard !lists.isEmpty else { return nil }
        let rare = lists.filter { $0.count <= Self.commonWordLimit }
        if rare.isEmpty {
            // Every word is common: use the rarest one only, and of it a window of instructions around `near`.
            let rarest = lists.min { $0.count < $1.count } ?? []
            lists = [window(of: rarest, around: near ?? 1, size: Self.commonWordLimit)]
        } else {
            lists = rare
        }
        // How many claim words each candidate shares: every list holds an instruction at most once, so after
        // sorting the gathered indices, the length of each run of equal indices is its count.
        var gathered: [Int] = []
        for list in lists { for i in list where allowed(i) { gathered.append(i) } }
        gathered.sort()
        var shared: [(key: Int, value: Int)] = []
        var start = 0
        while start < gathered.count {
            var end = start + 1
            while end < gathered.count, gathered[end] == gathered[start] { end += 1 }
            shared.append((gathered[start], end - start))
            start = end
        }
        // The best-sharing candidates (more shared words first, then file order), without sorting them all.
        var ranked: [(key: Int, value: Int)] = []
        ranked.reserveCapacity(Self.candidatesScored + 1)
        for entry in shared {
            if ranked.count == Self.candidatesScored, let last = ranked.last,
               entry.value < last.value || (entry.value == last.value && entry.key > last.key) { continue }
            let at = ranked.firstIndex { entry.value > $0.value || (entry.value == $0.value && entry.key < $0.key) }
                ?? ranked.count
            ranked.insert((entry.key, entry.value), at: at)
            if ranked.count > Self.candidatesScored { ranked.removeLast() }
        }
        var best: (index: Int, similarity: Double)? = nil
        for (i, _) in ranked {
            let s = WordDiff.similarity(claimWords, words[i])
            guard s >= threshold else { continue }
            if let b = best, s < b.similarity || (s == b.similarity && i >= b.index) { continue }
            best = (i, s)
        }
        return best
    }

    /// At most `size` entries of a file-ordered list of instructions, centred on the first one at or after `line`.
    func window(of list: ArraySlice<Int>, around line: Int, size: Int) -> ArraySlice<Int> {
        guard list.count > size else { return list }
        var lo = list.startIndex, hi = list.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if dockerfile.instructions[list[mid]].lines.first < line { lo = mid + 1 } else { hi = mid }
        }
        let start = max(list.startIndex, min(lo - size / 2, list.endIndex - size))
        return list[start..<(start + size)]
    }

    /// Instructions of a keyword whose words contain `words` in this order (not necessarily adjacent), in
    /// file order. Candidates come from the rarest word's list (a bounded window of it around `near`).
    public func containing(_ words: [String], keyword: String, near: Int? = nil) -> [Int] {
        guard let table = postings[keyword] else { return [] }
        var lists: [[Int]] = []
        var seen = Set<String>()
        for w in words where seen.insert(w).inserted {
            guard let list = table[w] else { return [] }  // a word found nowhere: no instruction has them all
            lists.append(list)
        }
        let pool: ArraySlice<Int>
        if let rarest = lists.min(by: { $0.count < $1.count }) {
            pool = window(of: rarest[...], around: near ?? 1, size: Self.commonWordLimit * 4)
        } else {
            pool = (byKeyword[keyword] ?? [])[...]
            if pool.count > Self.commonWordLimit * 4 { return [] }
        }
        return pool.filter { i in
            var k = 0
            for w in self.words[i] where k < words.count && w == words[k] { k += 1 }
            return k == words.count
        }
    }
}
