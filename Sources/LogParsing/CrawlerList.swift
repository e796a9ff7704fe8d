import CRE2

/// The crawler-user-agents list (`data/crawler-user-agents/`, generated into
/// `CrawlerPatterns.swift`), matched against a user agent in one pass whatever its size: the
/// patterns that are plain text (all but a few dozen) are found together by an Aho–Corasick
/// automaton, and the others together by one RE2 set. A pattern is searched unanchored and
/// case-sensitively, as the list writes it.
///
/// Built once per process, on first use, and shared by every parser thread: unchecked
/// `Sendable` because of the RE2 set's pointer, which nothing changes after `init` (RE2's
/// `Set::Match` is const and safe to call from many threads).
public final class CrawlerList: @unchecked Sendable {
    /// The list as shipped.
    public static let shared = CrawlerList(entries)

    /// A short family name per pattern, in the list's order (`Googlebot\/` → `Googlebot`).
    public let names: [String]
    /// Patterns RE2 refused: they are left out (the tests expect none).
    public let refused: [String]
    private let literals: LiteralAutomaton
    private let regexes: OpaquePointer?
    /// The RE2 set's index → the list's.
    private let regexIndex: [Int]

    init(_ entries: [(pattern: String, literal: String?, name: String)]) {
        names = entries.map(\.name)
        var texts: [(bytes: [UInt8], id: Int32)] = []
        for (index, entry) in entries.enumerated() {
            if let literal = entry.literal, !literal.isEmpty { texts.append((Array(literal.utf8), Int32(index))) }
        }
        let automaton = LiteralAutomaton(texts)
        let overflow = Set(automaton.overflow)
        var set = uxchurn_regex_set_new()
        var regexIndex: [Int] = []
        var refused: [String] = []
        for (index, entry) in entries.enumerated() {
            if let literal = entry.literal, !literal.isEmpty, !overflow.contains(Int32(index)) { continue }
            let bytes = Array(entry.pattern.utf8)
            let added = set.map { set in
                bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { uxchurn_regex_set_add(set, $0.baseAddress, $0.count) } }
            } ?? -1
            if added >= 0 { regexIndex.append(index) } else { refused.append(entry.pattern) }
        }
        if let compiled = set, regexIndex.isEmpty || uxchurn_regex_set_compile(compiled) != 1 {
            uxchurn_regex_set_free(compiled)
            if !regexIndex.isEmpty { refused += regexIndex.map { entries[$0].pattern } }
            regexIndex = []
            set = nil
        }
        literals = automaton
        regexes = set
        self.regexIndex = regexIndex
        self.refused = refused
    }

    deinit {
        if let regexes { uxchurn_regex_set_free(regexes) }
    }

    /// The lowest list index of the patterns found in `agent`, or nil when none is.
    public func firstMatch(_ agent: UnsafeRawBufferPointer) -> Int? {
        var best = literals.lowestMatch(agent).map(Int.init) ?? .max
        if let regexes, let base = agent.baseAddress {
            let found = Int(uxchurn_regex_set_first(regexes, base.assumingMemoryBound(to: CChar.self), agent.count))
            if found >= 0, regexIndex[found] < best { best = regexIndex[found] }
        }
        return best == .max ? nil : best
    }
}

/// Many byte strings found in one pass (Aho–Corasick): a trie of the strings whose missing
/// edges are resolved through failure links into a full transition table over the bytes the
/// strings use, so each byte of the text costs one table lookup. States are 16-bit (the
/// crawler list needs about 14,000); strings past that many states are left out and returned
/// by `init` in `overflow`, for the caller to match another way.
///
/// Built once per process: the table is filled through raw buffers, a row per state as the
/// state is made, so building costs a few milliseconds.
struct LiteralAutomaton {
    /// Byte → its column (0: a byte no string holds).
    private let column: [UInt16]
    private let columns: Int
    /// state × columns + column → next state.
    private let next: [UInt16]
    /// Per state: the lowest id of the strings that end there, itself or through its suffixes
    /// (`Int32.max`: none).
    private let lowest: [Int32]
    /// Strings that did not fit in 16-bit states.
    private(set) var overflow: [Int32] = []

    init(_ strings: [(bytes: [UInt8], id: Int32)]) {
        var width = 1
        var column = [UInt16](repeating: 0, count: 256)
        for string in strings {
            for byte in string.bytes where column[Int(byte)] == 0 {
                column[Int(byte)] = UInt16(width)
                width += 1
            }
        }
        self.column = column
        columns = width
        let capacity = min(strings.reduce(1) { $0 + $1.bytes.count }, Int(UInt16.max))
        var lowest = [Int32](repeating: .max, count: capacity)
        var states = 1
        var overflow: [Int32] = []
        next = [UInt16](unsafeUninitializedCapacity: capacity * width) { table, initialized in
            guard let base = table.baseAddress else { return }
            base.initialize(repeating: 0, count: width)  // the root's row; 0 on an edge: none yet
            for string in strings {
                // A string whose new states do not fit is left out whole.
                var state = 0
                var depth = 0
                while depth < string.bytes.count {
                    let child = base[state * width + Int(column[Int(string.bytes[depth])])]
                    if child == 0 { break }
                    state = Int(child)
                    depth += 1
                }
                guard states + string.bytes.count - depth <= capacity else {
                    overflow.append(string.id)
                    continue
                }
                for byte in string.bytes[depth...] {
                    (base + states * width).initialize(repeating: 0, count: width)
                    base[state * width + Int(column[Int(byte)])] = UInt16(states)
                    state = states
                    states += 1
                }
                lowest[state] = min(lowest[state], string.id)
            }
            initialized = states * width
            // Breadth first: a state's failure state is shallower, so its row is already complete.
            var failure = [UInt16](repeating: 0, count: states)
            var queue: [UInt16] = []
            queue.reserveCapacity(states)
            for c in 0..<width where base[c] != 0 { queue.append(base[c]) }
            var head = 0
            while head < queue.count {
                let state = Int(queue[head])
                head += 1
                let fail = Int(failure[state])
                lowest[state] = min(lowest[state], lowest[fail])
                let row = base + state * width
                let failRow = base + fail * width
                for c in 0..<width {
                    let target = row[c]
                    if target == 0 {
                        row[c] = failRow[c]
                    } else {
                        failure[Int(target)] = failRow[c]
                        queue.append(target)
                    }
                }
            }
        }
        lowest.removeSubrange(states...)
        self.lowest = lowest
        self.overflow = overflow
    }

    /// The lowest id of the strings found in `text`, or nil.
    func lowestMatch(_ text: UnsafeRawBufferPointer) -> Int32? {
        var state = 0
        var best = Int32.max
        next.withUnsafeBufferPointer { next in
            lowest.withUnsafeBufferPointer { lowest in
                column.withUnsafeBufferPointer { column in
                    for byte in text {
                        state = Int(next[state * columns + Int(column[Int(byte)])])
                        best = min(best, lowest[state])
                    }
                }
            }
        }
        return best == .max ? nil : best
    }
}
