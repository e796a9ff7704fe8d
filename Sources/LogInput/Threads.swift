import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded first-in, first-out queue between one producer thread and one consumer.
public final class BlockingQueue<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    private let available = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let cancelled = Atomic<Bool>(false)

    public init(capacity: Int) {
        free = DispatchSemaphore(value: capacity)
    }

    /// Waits for room, then appends; returns false once the consumer has cancelled.
    public func push(_ element: sending Element) -> Bool {
        free.wait()
        if cancelled.load(ordering: .acquiring) { return false }
        items.withLock { $0.append(element) }
        available.signal()
        return true
    }

    /// Waits for the next element.
    public func pop() -> Element {
        available.wait()
        let element = items.withLock { $0.removeFirst() }
        free.signal()
        return element
    }

    /// Tells the producer to stop; it wakes if it waits for room.
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
        free.signal()
    }
}

/// Starts a detached thread that owns what `body` captures.
public func startThread(_ body: sending @escaping () -> Void) -> Bool {
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

