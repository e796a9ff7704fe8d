#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex, allocated once (it must not move).
final class PthreadMutex {
    let pointer: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: pthread_mutex_t())
        pthread_mutex_init(pointer, nil)
    }

    deinit {
        pthread_mutex_destroy(pointer)
        pointer.deallocate()
    }

    func lock() { pthread_mutex_lock(pointer) }
    func unlock() { pthread_mutex_unlock(pointer) }
}

/// A pthread condition variable, waited on with a `PthreadMutex` held.
final class PthreadCondition {
    private let pointer: UnsafeMutablePointer<pthread_cond_t>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: pthread_cond_t())
        pthread_cond_init(pointer, nil)
    }

    deinit {
        pthread_cond_destroy(pointer)
        pointer.deallocate()
    }

    func wait(_ mutex: PthreadMutex) { pthread_cond_wait(pointer, mutex.pointer) }
    func signal() { pthread_cond_signal(pointer) }
    func broadcast() { pthread_cond_broadcast(pointer) }
}

/// A value behind a pthread mutex, for the threads of a run.
///
/// Not the standard library's `Synchronization.Mutex`: on Linux that one locks with futexes
/// that ThreadSanitizer cannot see, so every access made under it looks like a race and a real
/// one would drown among them. A pthread mutex costs the same here (its uncontended path is one
/// atomic instruction; the locks are taken per chunk, never per line).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = PthreadMutex()

    public init(_ value: sending Value) {
        self.value = value
    }

    /// Runs `body` with the value, the lock held.
    public func withLock<Result, Failure: Error>(_ body: (inout sending Value) throws(Failure) -> sending Result) throws(Failure) -> sending Result {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&value)
    }
}

/// A bounded first-in, first-out queue between one producer thread and one consumer.
///
/// On a pthread mutex and two condition variables, which ThreadSanitizer sees, and which,
/// unlike a `DispatchSemaphore`, may be released with elements left in the queue (a run that
/// stopped early).
public final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private var items: [Element] = []
    private let capacity: Int
    private var cancelled = false
    private let mutex = PthreadMutex()
    private let notEmpty = PthreadCondition()
    private let notFull = PthreadCondition()

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for room, then appends; returns false once the consumer has cancelled.
    public func push(_ element: sending Element) -> Bool {
        mutex.lock()
        while items.count >= capacity && !cancelled { notFull.wait(mutex) }
        if cancelled {
            mutex.unlock()
            return false
        }
        items.append(element)
        mutex.unlock()
        // Signalled after the unlock: the woken consumer does not wait for the mutex.
        notEmpty.signal()
        return true
    }

    /// Waits for the next element.
    public func pop() -> Element {
        mutex.lock()
        while items.isEmpty { notEmpty.wait(mutex) }
        let element = items.removeFirst()
        mutex.unlock()
        notFull.signal()
        return element
    }

    /// Tells the producer to stop; it wakes if it waits for room.
    public func cancel() {
        mutex.lock()
        cancelled = true
        notFull.broadcast()
        mutex.unlock()
    }
}

/// A thread of the run, with a lifecycle: started with its body, then joined, so no thread
/// outlives the run. Every thread uxchurn starts is one of these: the parser workers
/// (`WorkerPool`), a gzip input's reader (`ChunkStream`), the statistics thread and
/// `BackgroundValue`.
public final class RunThread: @unchecked Sendable {
    private let thread: pthread_t
    private let joined = Locked(false)

    private init(_ thread: pthread_t) {
        self.thread = thread
    }

    /// Starts `body` on a new thread; nil when the system refuses one.
    public static func start(_ body: sending @escaping () -> Void) -> RunThread? {
        final class Box {
            let body: () -> Void
            init(_ body: @escaping () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            // `raw` is the box passed below, retained once for this thread.
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return RunThread(thread)
    }

    /// Waits until the body has returned; at once after the first time.
    public func join() {
        joined.withLock { joined in
            guard !joined else { return }
            pthread_join(thread, nil)
            joined = true
        }
    }

    /// Whether `join()` has returned.
    public var isJoined: Bool { joined.withLock { $0 } }

    deinit {
        // The owner let go of a thread it did not join (a run that stopped early): wait for it.
        join()
    }
}

/// A value computed on a thread of its own while the caller goes on; `wait()` takes it.
/// When the system refuses a thread, the value is computed on the caller's thread instead.
public final class BackgroundValue<Value: Sendable>: Sendable {
    private let result = BlockingQueue<Value>(capacity: 1)
    private let inline: Locked<Value?>
    private let thread: RunThread?

    public init(_ compute: @escaping @Sendable () -> Value) {
        let result = result
        thread = RunThread.start { _ = result.push(compute()) }
        inline = Locked(thread == nil ? compute() : nil)
    }

    /// A value already at hand.
    public init(ready value: Value) {
        inline = Locked(value)
        thread = nil
    }

    /// The value, waiting for it the first time.
    public func wait() -> Value {
        inline.withLock { stored in
            if let stored { return stored }
            let value = result.pop()
            thread?.join()
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
