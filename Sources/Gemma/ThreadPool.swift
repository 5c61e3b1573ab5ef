// A persistent pool of worker threads shared by all matrix products of a token: no thread
// start-up per call; workers spin briefly, then sleep on a condition variable
// (../shared/design/PLATFORM.md: pure spinning collapses when another process holds a core).
import Foundation
import Synchronization

/// Runs `count` independent tasks across the caller and the pool's workers.
public final class ThreadPool: @unchecked Sendable {  // shared state guarded by `lock` and atomics
    public let threadCount: Int
    private let lock = NSCondition()
    private let done = NSCondition()
    private let generation = Atomic<Int>(0)
    private let nextTask = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    private var taskCount = 0
    private var job: ((Int) -> Void)?
    private var workers: [Thread] = []

    /// The pool with `threads` threads in all, the caller included, made on first use.
    public static func shared(threads: Int) -> ThreadPool {
        poolsLock.withLock { pools in
            if let pool = pools[threads] { return pool }
            let pool = ThreadPool(threads: threads)
            pools[threads] = pool
            return pool
        }
    }
    private static let poolsLock = Mutex<[Int: ThreadPool]>([:])

    private init(threads: Int) {
        threadCount = max(1, threads)
        for index in 1..<threadCount {
            let thread = Thread { self.workerLoop() }  // workers keep the pool alive: pools live as long as the process
            thread.name = "gemma-worker-\(index)"
            thread.stackSize = 1 << 20
            workers.append(thread)
            thread.start()
        }
    }

    /// Calls `body(i)` for every i in 0..<count, spread over the threads; returns when all are done.
    public func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if threadCount == 1 || count == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            lock.lock()
            job = escapable
            taskCount = count
            nextTask.store(0, ordering: .relaxed)
            unfinished.store(threadCount, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            lock.broadcast()
            lock.unlock()
            work(escapable, count)
            finishOne()
            // Wait for the workers: spin a little, then sleep.
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 20_000 {
                    done.lock()
                    while unfinished.load(ordering: .acquiring) > 0 { done.wait() }
                    done.unlock()
                }
            }
            lock.lock()
            job = nil
            lock.unlock()
        }
    }

    private func work(_ body: (Int) -> Void, _ count: Int) {
        while true {
            let task = nextTask.add(1, ordering: .relaxed).oldValue
            if task >= count { return }
            body(task)
        }
    }

    private func finishOne() {
        if unfinished.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            done.lock()
            done.broadcast()
            done.unlock()
        }
    }

    private func runCurrentJob() {
        lock.lock()
        let body = job
        let count = taskCount
        lock.unlock()
        if let body { work(body, count) }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            // Spin briefly for the next job, then sleep.
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < 20_000 { spins += 1 }
            lock.lock()
            while generation.load(ordering: .acquiring) == seen { lock.wait() }
            seen = generation.load(ordering: .acquiring)
            lock.unlock()
            // In a function of its own, so the worker holds no reference to the job once it
            // reports itself finished (the caller's closure must not outlive `run`).
            runCurrentJob()
            finishOne()
        }
    }
}
