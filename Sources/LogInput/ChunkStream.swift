import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded first-in, first-out queue between one producer thread and one consumer.
final class BlockingQueue<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    private let available = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let cancelled = Atomic<Bool>(false)

    init(capacity: Int) {
        free = DispatchSemaphore(value: capacity)
    }

    /// Waits for room, then appends; returns false once the consumer has cancelled.
    func push(_ element: sending Element) -> Bool {
        free.wait()
        if cancelled.load(ordering: .acquiring) { return false }
        items.withLock { $0.append(element) }
        available.signal()
        return true
    }

    /// Waits for the next element.
    func pop() -> Element {
        available.wait()
        let element = items.withLock { $0.removeFirst() }
        free.signal()
        return element
    }

    /// Tells the producer to stop; it wakes if it waits for room.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
        free.signal()
    }
}

/// Starts a detached thread that owns what `body` captures.
func startThread(_ body: sending @escaping () -> Void) -> Bool {
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        // `raw` is the box passed below, retained once for this thread.
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    guard status == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        return false
    }
    pthread_detach(thread)
    return true
}

/// Reads an input's chunks on a thread of its own (decompression runs there), a few chunks
/// ahead of the consumer, so reading and parsing overlap.
public final class ChunkStream {
    private enum Item: Sendable {
        case chunk(LineChunk)
        case failure(InputError)
        case end
    }

    private let queue: BlockingQueue<Item>
    private let spares: SpareBuffers
    private var finished = false

    /// Starts reading at once.
    ///
    /// - Parameter depth: chunks read ahead; memory is about `(depth + 2) × chunkSize`.
    public init(chunker: sending LineChunker, depth: Int = 3) {
        let queue = BlockingQueue<Item>(capacity: depth)
        let spares = SpareBuffers()
        self.queue = queue
        self.spares = spares
        let started = startThread {
            while true {
                for buffer in spares.take() { chunker.recycle(LineChunk(bytes: buffer, count: 0, overlongBefore: nil)) }
                let item: Item
                do throws(InputError) {
                    if let chunk = try chunker.next() { item = .chunk(chunk) } else { item = .end }
                } catch {
                    item = .failure(error)
                }
                let isLast: Bool
                if case .chunk = item { isLast = false } else { isLast = true }
                if !queue.push(item) || isLast { return }
            }
        }
        precondition(started, "could not start a reader thread")
    }

    deinit {
        if !finished { queue.cancel() }
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

    /// Hands a processed chunk's buffer back to the reader thread, leaving `chunk` empty so that
    /// no second reference makes the reader copy the buffer when it writes to it again.
    public func recycle(_ chunk: inout LineChunk) {
        guard !chunk.bytes.isEmpty else { return }
        var buffer: [UInt8] = []
        swap(&buffer, &chunk.bytes)
        spares.put(consume buffer)
    }
}

/// Buffers handed back from the consumer to the reader thread.
final class SpareBuffers: Sendable {
    private let buffers = Mutex<[[UInt8]]>([])

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
