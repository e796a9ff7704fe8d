#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an input's chunks on a thread of its own (decompression runs there), a few chunks
/// ahead of the consumer, so reading and parsing overlap.
public final class ChunkStream {
    private enum Item: Sendable {
        case chunk(LineChunk)
        case failure(InputError)
        case end
    }

    private let queue: BlockingQueue<Item>
    private var thread: RunThread?
    /// Where processed chunks' buffers go back to the reader thread; safe from any thread.
    public let spares: SpareBuffers
    private var finished = false

    /// Starts reading at once.
    ///
    /// - Parameter depth: chunks read ahead; memory is about `(depth + 2) × chunkSize`.
    /// - Throws: `InputError.unreadable` when the system refuses a thread.
    public init(chunker: sending LineChunker, depth: Int = 4) throws(InputError) {
        let queue = BlockingQueue<Item>(capacity: depth)
        let spares = SpareBuffers()
        self.queue = queue
        self.spares = spares
        thread = RunThread.start {
            while true {
                let item: Item
                do throws(InputError) {
                    if let chunk = try chunker.next(reusing: spares) { item = .chunk(chunk) } else { item = .end }
                } catch {
                    item = .failure(error)
                }
                let isLast: Bool
                if case .chunk = item { isLast = false } else { isLast = true }
                if !queue.push(item) || isLast { return }
            }
        }
        guard thread != nil else { throw .unreadable(path: "-", reason: "the system refused a reader thread") }
    }

    deinit {
        // Stopped early: the reader ends after the chunk it is reading.
        if !finished { queue.cancel() }
        thread?.join()
    }

    /// The next chunk, or nil at the end of the input.
    ///
    /// - Throws: the input's fault, after the chunks before it.
    public func next() throws(InputError) -> LineChunk? {
        if finished { return nil }
        switch queue.pop() {
        case let .chunk(chunk):
            return chunk
        case let .failure(error):
            finished = true
            throw error
        case .end:
            finished = true
            return nil
        }
    }

    /// Hands a processed chunk's buffer back to the reader thread.
    public func recycle(_ chunk: inout LineChunk) {
        spares.recycle(&chunk)
    }
}

/// Buffers handed back from the threads that parse chunks to the one that reads them.
public final class SpareBuffers: Sendable {
    private let buffers = Locked<[[UInt8]]>([])

    public init() {}

    /// Takes a processed chunk's buffer, leaving `chunk` empty so that no second reference makes
    /// the reader copy the buffer when it writes to it again.
    public func recycle(_ chunk: inout LineChunk) {
        guard !chunk.bytes.isEmpty else { return }
        var buffer: [UInt8] = []
        swap(&buffer, &chunk.bytes)
        put(consume buffer)
    }

    func put(_ buffer: consuming [UInt8]) {
        let buffer = consume buffer
        buffers.withLock { if $0.count < 4 { $0.append(buffer) } }
    }

    func take() -> [[UInt8]] {
        buffers.withLock { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }
}

extension LineChunker {
    /// The next chunk, read into a buffer handed back to `spares` when there is one.
    public func next(reusing spares: SpareBuffers) throws(InputError) -> LineChunk? {
        for buffer in spares.take() { recycle(LineChunk(bytes: buffer, count: 0, overlongBefore: nil)) }
        return try next()
    }
}
