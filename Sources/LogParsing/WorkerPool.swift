import Dispatch
import LogInput
import Synchronization

/// The parser threads of a run (`--jobs`), shared by every input being read.
///
/// Each worker takes the next chunk of the input that has the fewest chunks waiting for the
/// hit stage, parses it with a parser of its own for that input, and leaves the result under
/// the chunk's number; `next(of:)` hands an input's results back in chunk order. A plain file
/// is read by the worker that takes the chunk (one worker at a time per input: reading is a
/// copy from the page cache); a gzip file is inflated on a thread of its own, a few chunks
/// ahead. So two servers' logs read side by side on two cores keep two workers busy with no
/// reader threads and only the chunks being parsed in memory, and one log keeps every worker
/// busy on its chunks.
///
/// While a gzip input is inflated, the workers run ten nice levels below the run: inflating
/// is the floor of the run's time, and the workers, beside the hit stage and the statistics
/// thread, took its core (corpus `.gz`, two cores: 312 → 283 ms; `pigz -dc` 249 ms).
final class WorkerPool {
    private let shared: PoolState
    private var threads: [RunThread] = []
    /// Each input has at most this many chunks taken and not handed back, so the workers run
    /// ahead of the hit stage (while it sessionizes a burst) without holding the whole input.
    private static let perWorker = 5

    /// Starts `jobs` worker threads; they wait until an input is added.
    ///
    /// - Throws: `InputError.unreadable` when the system refuses a thread.
    init(jobs: Int) throws(InputError) {
        shared = PoolState(lookahead: jobs * Self.perWorker)
        for worker in 0..<jobs {
            let shared = shared
            guard let thread = RunThread.start({ shared.work(as: worker) }) else {
                shutdown()
                throw .unreadable(path: "-", reason: "the system refused a parser thread")
            }
            threads.append(thread)
        }
    }

    /// Stops the workers after the chunks they are parsing, and waits for them.
    func shutdown() {
        shared.close()
        for thread in threads { thread.join() }
    }

    deinit {
        shutdown()
    }

    /// Adds an input: its chunks are read and parsed from now on.
    ///
    /// - Returns: the input's number for `next(of:)`.
    /// - Throws: `InputError.unreadable` when the system refuses a gzip input's reader thread.
    func add(_ chunker: sending LineChunker, gzip: Bool, format: LogFormat, options: IngestOptions) throws(InputError) -> Int {
        if gzip {
            shared.inflating.store(true, ordering: .relaxed)
            return shared.add(PoolInput(source: .stream(try ChunkStream(chunker: chunker)), format: format, options: options))
        }
        return shared.add(PoolInput(source: .lines(chunker, SpareBuffers()), format: format, options: options))
    }

    /// The input's next chunk result, in chunk order, with the worker that parsed it; nil at
    /// the end of the input.
    ///
    /// - Throws: the input's fault, after the results of every chunk before it.
    func next(of input: Int) throws(InputError) -> (ChunkResult, Int)? {
        try shared.next(of: input)
    }
}

/// Where an input's chunks come from: its chunker, read by whichever worker takes the next
/// chunk, or a reader thread that inflates ahead.
private enum ChunkSource {
    case lines(LineChunker, SpareBuffers)
    case stream(ChunkStream)

    var spares: SpareBuffers {
        switch self {
        case let .lines(_, spares): spares
        case let .stream(stream): stream.spares
        }
    }

    func next() throws(InputError) -> LineChunk? {
        switch self {
        case let .lines(chunker, spares):
            return try chunker.next(reusing: spares)
        case let .stream(stream):
            return try stream.next()
        }
    }
}

/// One input of the pool. Its source is behind a lock of its own, held by the one worker
/// that reads a chunk, so the pool's lock is never held while reading.
private final class PoolInput: Sendable {
    let source: Locked<ChunkSource>
    let spares: SpareBuffers
    let format: LogFormat
    let options: IngestOptions

    init(source: consuming sending ChunkSource, format: LogFormat, options: IngestOptions) {
        spares = source.spares
        self.source = Locked(source)
        self.format = format
        self.options = options
    }
}

/// What the workers and the hit stage share: which chunks are taken, read and parsed.
private final class PoolState: Sendable {
    enum Item: Sendable {
        case result(ChunkResult, worker: Int)
        case failure(InputError)
        case end
    }

    struct InputState {
        let input: PoolInput
        /// Chunks taken by workers, and results handed back to the hit stage.
        var taken = 0
        var handedBack = 0
        /// A worker is reading this input's next chunk.
        var reading = false
        /// Its end or fault was read: no chunk is left to take.
        var ended = false
        var results: [Int: Item] = [:]

        var waiting: Int { taken - handedBack }
    }

    struct State {
        var inputs: [Int: InputState] = [:]
        var nextNumber = 0
        /// Workers waiting on `workAvailable`.
        var idleWorkers = 0
        /// The input and chunk number the hit stage waits for on `resultAvailable`.
        var awaited: (input: Int, chunk: Int)?
        var closed = false
        /// The input each worker read last.
        var lastRead: [Int: Int] = [:]
    }

    let state = Locked(State())
    /// A gzip input was added: the workers step back for its reader thread.
    let inflating = Atomic<Bool>(false)
    let workAvailable = DispatchSemaphore(value: 0)
    let resultAvailable = DispatchSemaphore(value: 0)
    let lookahead: Int

    init(lookahead: Int) {
        self.lookahead = lookahead
    }

    func add(_ input: PoolInput) -> Int {
        state.withLock { state in
            let number = state.nextNumber
            state.nextNumber += 1
            state.inputs[number] = InputState(input: input)
            wakeWorkers(&state)
            return number
        }
    }

    func close() {
        state.withLock { state in
            state.closed = true
            while state.idleWorkers > 0 {
                state.idleWorkers -= 1
                workAvailable.signal()
            }
        }
    }

    /// The input a worker should read next: one whose next chunk the hit stage waits for;
    /// else the one the worker read last, whose parser and values are warm in its cache; else
    /// the one with the fewest chunks waiting, the earliest added on a tie.
    private func pick(_ state: State, for worker: Int? = nil) -> Int? {
        if let awaited = state.awaited, let input = state.inputs[awaited.input],
           awaited.chunk >= input.taken, available(input) {
            return awaited.input
        }
        if let worker, let last = state.lastRead[worker], let input = state.inputs[last], available(input) { return last }
        var best: Int?
        for (number, input) in state.inputs where available(input) {
            guard let current = best, let other = state.inputs[current] else { best = number; continue }
            if input.waiting < other.waiting || (input.waiting == other.waiting && number < current) { best = number }
        }
        return best
    }

    private func available(_ input: InputState) -> Bool {
        !input.reading && !input.ended && input.waiting < lookahead
    }

    /// Wakes every idle worker when there is a chunk to take (the workers are few).
    private func wakeWorkers(_ state: inout State) {
        guard state.idleWorkers > 0, pick(state) != nil else { return }
        while state.idleWorkers > 0 {
            state.idleWorkers -= 1
            workAvailable.signal()
        }
    }

    /// A worker thread's loop: take a chunk, read it, parse it, leave the result.
    func work(as worker: Int) {
        var parsers: [Int: ChunkParser] = [:]
        var steppedBack = false
        while true {
            if !steppedBack, inflating.load(ordering: .relaxed) {
                lowerCurrentThreadPriority(by: 10)
                steppedBack = true
            }
            enum Step { case stop, wait, read(Int, PoolInput, chunk: Int) }
            let step: Step = state.withLock { state in
                if state.closed { return .stop }
                guard let number = pick(state, for: worker), let input = state.inputs[number] else {
                    state.idleWorkers += 1
                    return .wait
                }
                state.inputs[number]?.reading = true
                state.inputs[number]?.taken += 1
                state.lastRead[worker] = number
                return .read(number, input.input, chunk: input.taken)
            }
            guard case let .read(number, input, chunk) = step else {
                if case .stop = step { return }
                workAvailable.wait()
                continue
            }
            // The chunk is bound once, never copied: a second reference to its buffer would
            // make the parser's in-place writes copy 2 MiB.
            let item: Item
            do throws(InputError) {
                if var lines = try input.source.withLock({ source throws(InputError) in try source.next() }) {
                    state.withLock { state in
                        state.inputs[number]?.reading = false
                        wakeWorkers(&state)
                    }
                    if parsers[number] == nil {
                        parsers[number] = try? ChunkParser(format: input.format, options: input.options)
                    }
                    if let result = parsers[number]?.parse(&lines) {
                        item = .result(result, worker: worker)
                    } else {
                        // The input's regexes compiled for its first parser already; this is not expected.
                        item = .failure(.unreadable(path: "-", reason: "a parser could not be set up"))
                    }
                    input.spares.recycle(&lines)
                } else {
                    item = .end
                }
            } catch {
                item = .failure(error)
            }
            state.withLock { state in
                guard state.inputs[number] != nil else { return }
                if case .result = item {} else {
                    state.inputs[number]?.reading = false
                    state.inputs[number]?.ended = true
                }
                state.inputs[number]?.results[chunk] = item
                if let awaited = state.awaited, awaited == (number, chunk) {
                    state.awaited = nil
                    resultAvailable.signal()
                }
            }
        }
    }

    /// Waits for the input's next result in chunk order; drops the input after its last.
    func next(of number: Int) throws(InputError) -> (ChunkResult, Int)? {
        while true {
            let item: Item? = state.withLock { state in
                // Changed in place: a copy of the input's state would copy its results.
                guard let chunk = state.inputs[number]?.handedBack else { return .end }
                guard let item = state.inputs[number]?.results.removeValue(forKey: chunk) else {
                    state.awaited = (number, chunk)
                    return nil
                }
                switch item {
                case .result: state.inputs[number]?.handedBack += 1
                case .failure, .end: state.inputs[number] = nil
                }
                wakeWorkers(&state)
                return item
            }
            switch item {
            case nil: resultAvailable.wait()
            case let .result(result, worker)?: return (result, worker)
            case let .failure(error)?: throw error
            case .end?: return nil
            }
        }
    }
}
