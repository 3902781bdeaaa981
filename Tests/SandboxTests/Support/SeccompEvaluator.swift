import CSandbox
import Testing

/// struct seccomp_data, as a filter sees one system call.
struct SystemCall {
    var number: Int32
    var arch: UInt32 = csbx_seccomp_native_arch()
    var arguments: [UInt64] = [0, 0, 0, 0, 0, 0]

    init(_ number: Int32, arch: UInt32 = csbx_seccomp_native_arch(), _ arguments: UInt64...) {
        self.number = number
        self.arch = arch
        for (i, value) in arguments.enumerated() { self.arguments[i] = value }
    }

    /// The 32-bit word at offset in struct seccomp_data (little-endian, as on x86_64 and aarch64).
    func word(at offset: UInt32) -> UInt32? {
        switch offset {
        case 0: return UInt32(bitPattern: number)
        case 4: return arch
        case 16..<64 where offset % 4 == 0:
            let argument = arguments[Int(offset - 16) / 8]
            return offset % 8 == 0 ? UInt32(truncatingIfNeeded: argument) : UInt32(truncatingIfNeeded: argument >> 32)
        default: return nil
        }
    }
}

/// Seccomp return values (linux/seccomp.h).
enum SeccompAction: Equatable, CustomStringConvertible {
    case allow, killProcess, errno(Int32), other(UInt32)

    init(_ value: UInt32) {
        switch value & 0xffff_0000 {
        case 0x7fff_0000: self = .allow
        case 0x8000_0000: self = .killProcess
        case 0x0005_0000: self = .errno(Int32(value & 0xffff))
        default: self = .other(value)
        }
    }

    var description: String {
        switch self {
        case .allow: "allow"
        case .killProcess: "kill process"
        case .errno(let e): "errno \(e)"
        case .other(let v): "0x\(String(v, radix: 16))"
        }
    }
}

/// The instructions csbx_seccomp_build writes.
func seccompProgram() -> [sock_filter] {
    var program = [sock_filter](repeating: sock_filter(), count: Int(CSBX_SECCOMP_MAX_INSTRUCTIONS))
    let count = csbx_seccomp_build(&program, program.count)
    return Array(program.prefix(count))
}

/// Runs a classic BPF seccomp program the way the kernel would, for the few instructions a
/// seccomp filter uses; anything else is recorded as an issue.
func evaluate(_ program: [sock_filter], _ call: SystemCall) -> SeccompAction {
    var accumulator: UInt32 = 0
    var pc = 0
    while pc < program.count {
        let instruction = program[pc]
        let jumpTrue = Int(instruction.jt)
        let jumpFalse = Int(instruction.jf)
        switch instruction.code {
        case 0x20:  // BPF_LD | BPF_W | BPF_ABS
            guard let word = call.word(at: instruction.k) else {
                Issue.record("load from offset \(instruction.k)")
                return .other(0)
            }
            accumulator = word
        case 0x15: pc += accumulator == instruction.k ? jumpTrue : jumpFalse  // BPF_JEQ
        case 0x25: pc += accumulator > instruction.k ? jumpTrue : jumpFalse  // BPF_JGT
        case 0x35: pc += accumulator >= instruction.k ? jumpTrue : jumpFalse  // BPF_JGE
        case 0x45: pc += accumulator & instruction.k != 0 ? jumpTrue : jumpFalse  // BPF_JSET
        case 0x06: return SeccompAction(instruction.k)  // BPF_RET | BPF_K
        default:
            Issue.record("unexpected BPF opcode 0x\(String(instruction.code, radix: 16)) at \(pc)")
            return .other(0)
        }
        pc += 1
    }
    Issue.record("the program ran past its end")
    return .other(0)
}

/// The deny-list as C declares it.
func seccompRules() -> [csbx_seccomp_rule] {
    var count = 0
    let rules = csbx_seccomp_rules(&count)
    return (0..<count).map { rules[$0] }
}

/// The number of a system call on this machine, from the deny-list's own table.
func syscallNumber(_ name: String) -> Int32? {
    seccompRules().first { String(cString: $0.name) == name }.map { Int32($0.number) }
}
