import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex, for the threads of a run.
///
/// Not the standard library's `Synchronization.Mutex`: on Linux that one locks with futexes
/// that ThreadSanitizer cannot see, so every access made under it looks like a race and a real
/// one would drown among them. A pthread mutex costs the same here (its uncontended path is one
/// atomic instruction; the locks are taken per chunk, never per line).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, the lock held.
    public func withLock<Result, Failure: Error>(_ body: (inout sending Value) throws(Failure) -> sending Result) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// A bounded first-in, first-out queue between one producer thread and one consumer.
public final class BlockingQueue<Element: Sendable>: Sendable {
    private let items = Locked<[Element]>([])
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


/// A value computed on a thread of its own while the caller goes on; `wait()` takes it.
/// When the system refuses a thread, the value is computed on the caller's thread instead.
public final class BackgroundValue<Value: Sendable>: Sendable {
    private let result = BlockingQueue<Value>(capacity: 1)
    private let inline: Locked<Value?>

    public init(_ compute: @escaping @Sendable () -> Value) {
        let result = result
        if startThread({ _ = result.push(compute()) }) {
            inline = Locked(nil)
        } else {
            inline = Locked(compute())
        }
    }

    /// A value already at hand.
    public init(ready value: Value) {
        inline = Locked(value)
    }

    /// The value, waiting for it the first time.
    public func wait() -> Value {
        inline.withLock { stored in
            if let stored { return stored }
            let value = result.pop()
            stored = value
            return value
        }
    }
}

/// Lowers the calling thread's scheduling priority by `steps` nice levels (Linux, where the
/// nice value is per thread); elsewhere it does nothing. A thread cannot raise it back.
public func lowerCurrentThreadPriority(by steps: Int32) {
    #if os(Linux)
    // PRIO_PROCESS with 0 names the calling thread on Linux.
    errno = 0
    let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    guard errno == 0 else { return }
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(current + steps, 19))
    #endif
}
