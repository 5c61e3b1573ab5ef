// A pseudo-terminal for driving gemma-repl as a person at a keyboard would: the child gets the
// pty as its controlling terminal (so byte 0x03 raises SIGINT), the test types into the master
// side and reads the screen text back. Every wait has a deadline; `close` kills the child.
import Foundation
import Glibc
import XCTest

/// One program running in a pseudo-terminal. The reader thread appends to `raw` under `lock`;
/// everything else happens on the test's thread.
final class PseudoTerminal: @unchecked Sendable {
    let pid: pid_t
    private let master: Int32
    private let lock = NSLock()
    private var raw: [UInt8] = []
    private var stopReading = false
    private let readerFinished = DispatchSemaphore(value: 0)
    /// Screen text with escape sequences removed, and how much of `raw` it covers.
    private var text: [UInt8] = []
    private var cleanedUpTo = 0
    /// Waits look only after the end of the previous match.
    private var searchFrom = 0
    private var status: Int32?
    private var isClosed = false

    /// Starts `executable` with the pty's slave side as stdin, stdout and stderr, in a new
    /// session whose controlling terminal is that pty, with a window of `columns` × `rows`.
    init(executable: String, arguments: [String], environment: [String: String],
         columns: UInt16 = 100, rows: UInt16 = 40) throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Self.failure("openpty") }
        // Neither end may leak into other children the test process starts.
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { Glibc.close(slave) }
        var name = [CChar](repeating: 0, count: 128)
        guard ttyname_r(slave, &name, name.count) == 0 else {
            Glibc.close(master)
            throw Self.failure("ttyname_r")
        }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // glibc's POSIX_SPAWN_SETSID (spawn.h, _GNU_SOURCE only, so not visible from Swift):
        // the child leads a new session, and the first terminal it opens becomes its
        // controlling terminal. glibc applies it before the file actions below.
        let setSession: Int16 = 0x80
        posix_spawnattr_setflags(&attributes, setSession)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            Glibc.close(master)
            throw Self.failure("posix_spawn \(executable)", code: spawned)
        }
        self.pid = child
        self.master = master
        let reader = Thread { [self] in readLoop() }
        reader.name = "pty reader"
        reader.start()
    }

    private static func failure(_ what: String, code: Int32 = errno) -> NSError {
        NSError(domain: "PseudoTerminal", code: Int(code),
                userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(code)))"])
    }

    /// Copies the master side into `raw` until the child closes the terminal or `close` asks.
    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer { readerFinished.signal() }
        while !lock.withLock({ stopReading }) {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            if count > 0 {
                lock.withLock { raw.append(contentsOf: buffer[0..<count]) }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                return  // EIO: every slave descriptor is closed, the child has gone
            }
        }
    }

    // MARK: typing

    /// Types `keys` (a string of characters, control bytes and escape sequences).
    func send(_ keys: String) {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            bytes.removeFirst(written)
        }
    }

    /// Types `line` and Enter (a carriage return, as a terminal sends it).
    func enter(_ line: String) { send(line + "\r") }

    static let controlC = "\u{03}"
    static let controlD = "\u{04}"
    static let controlU = "\u{15}"
    static let tab = "\t"
    static let up = "\u{1B}[A"
    static let left = "\u{1B}[D"

    // MARK: reading

    /// Everything shown so far, without escape sequences, `\r` or bells.
    var transcript: String {
        lock.withLock {
            cleanLocked()
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// What has been shown since the end of the last successful wait.
    var unread: String {
        lock.withLock {
            cleanLocked()
            return String(decoding: text[searchFrom...], as: UTF8.self)
        }
    }

    /// Moves the escape-free text forward over the complete part of `raw`. A sequence cut off
    /// at the end of `raw` waits for the rest of it.
    private func cleanLocked() {
        var index = cleanedUpTo
        scanning: while index < raw.count {
            let byte = raw[index]
            switch byte {
            case 0x1B:
                guard index + 1 < raw.count else { break scanning }
                let kind = raw[index + 1]
                if kind == UInt8(ascii: "[") {
                    // CSI: parameters and intermediates, then one final byte 0x40...0x7E.
                    var end = index + 2
                    while end < raw.count && !(0x40...0x7E).contains(raw[end]) { end += 1 }
                    guard end < raw.count else { break scanning }
                    index = end + 1
                } else if kind == UInt8(ascii: "]") {
                    // OSC: up to BEL or ESC backslash.
                    var end = index + 2
                    while end < raw.count && raw[end] != 0x07 && raw[end] != 0x1B { end += 1 }
                    guard end < raw.count else { break scanning }
                    index = end + (raw[end] == 0x07 ? 1 : 2)
                } else {
                    index += 2
                }
            case 0x07, UInt8(ascii: "\r"), 0x08:
                index += 1
            default:
                text.append(byte)
                index += 1
            }
        }
        cleanedUpTo = min(index, raw.count)
    }

    /// Waits until `expected` appears after the previous match, at most `timeout` seconds. On
    /// a timeout records a failure showing what the screen did say, and returns false.
    @discardableResult
    func waitFor(_ expected: String, timeout: TimeInterval = 5,
                 file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let needle = Array(expected.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        var scanFrom = lock.withLock { searchFrom }  // text before this cannot start a match
        while true {
            let found: Bool = lock.withLock {
                cleanLocked()
                guard let range = Self.firstRange(of: needle, in: text, from: scanFrom) else {
                    scanFrom = max(scanFrom, text.count - needle.count + 1)
                    return false
                }
                searchFrom = range.upperBound
                return true
            }
            if found { return true }
            if Date() >= deadline { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("after \(timeout) s the terminal never showed \(expected.debugDescription); since the last match it showed:\n\(unread)",
                file: file, line: line)
        return false
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index..<(index + needle.count)
            }
            index += 1
        }
        return nil
    }

    // MARK: ending

    /// The exit status once the child has exited by itself within `timeout`, else nil.
    /// A child killed by a signal gives 128 + the signal number, as shells report it.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while status == nil {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            } else if result < 0 && errno != EINTR {
                return nil
            } else if Date() >= deadline {
                return nil
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        return status
    }

    /// Kills the child if it is still running, reaps it, stops the reader and closes the pty.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if status == nil && waitForExit(timeout: 0) == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = 128 + SIGKILL
        }
        lock.withLock { stopReading = true }
        _ = readerFinished.wait(timeout: .now() + 2)
        Glibc.close(master)
    }
}
