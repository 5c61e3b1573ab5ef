// Ctrl-C: a SIGINT handler that only sets a flag. The REPL polls it to tell Ctrl-C at the
// prompt from Ctrl-D, and long computations poll it to stop early.
import Foundation
import Synchronization

private let interruptFlag = Atomic<Bool>(false)

public enum Interrupts {
    /// Installs `handler` for SIGINT, without SA_RESTART so that a blocked read returns.
    /// The handler must only do async-signal-safe work: call `Interrupts.signal()` and set
    /// other atomic flags (the runtime's own, so that a forward pass stops too).
    public static func install(_ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Records a Ctrl-C; safe to call from a signal handler (one atomic store).
    public static func signal() { interruptFlag.store(true, ordering: .sequentiallyConsistent) }

    /// Whether Ctrl-C was pressed since the last `take` or `clear`.
    public static var isPending: Bool { interruptFlag.load(ordering: .sequentiallyConsistent) }

    /// Returns whether Ctrl-C was pressed, and clears it.
    public static func take() -> Bool { interruptFlag.exchange(false, ordering: .sequentiallyConsistent) }

    public static func clear() { interruptFlag.store(false, ordering: .sequentiallyConsistent) }
}
