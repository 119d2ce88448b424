/**
 * One lab instance as a QEMU virtual machine that boots like EC2: the cached Debian
 * image under a fresh copy-on-write overlay, SMBIOS saying "Amazon EC2" with an
 * `ec2`-prefixed UUID (cloud-init's ds-identify then picks the EC2 datasource, as on
 * AWS), one virtio NIC on a tap in the lab's switch. KVM where it works, else TCG.
 * The QEMU guest agent is the lab's console (as Session Manager would be); nothing
 * in the instance's own configuration changes for it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { debianTreePath } from "../../scripts/debian-root";
import { inNs, sh } from "../shell";
import { SWITCH } from "../topology";

export interface VmSpec {
  /** Short lab name (lb, lb2, cas1): the tap's name and the VM's directory. */
  readonly name: string;
  readonly instanceId: string;
  readonly mac: string;
  readonly instanceType: string;
  readonly release: number;
  readonly memoryMb?: number;
  readonly cpus?: number;
}

export interface Vm {
  readonly spec: VmSpec;
  readonly dir: string;
  /** The guest agent's socket (lab/vm/guest.ts). */
  readonly agentSocket: string;
  /** The serial console's output: the kernel's and systemd's messages. */
  readonly console: string;
}

/** The image scripts/vm-image.sh built for `release` (root.img, vmlinuz, initrd.img). */
export function imageDir(release: number): string {
  return debianTreePath(release).replace(/debian-(\d+)$/, "vm-$1");
}

/** The tap in the lab switch that a VM's interface is on. */
export function tapOf(name: string): string {
  return `tap-${name}`;
}

/** A locally administered MAC from the name, as EC2 gives each interface its own. */
export function macFor(name: string): string {
  const bytes = createHash("sha256").update(name).digest().subarray(0, 5);
  return ["0a", ...[...bytes].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** EC2's UUID form: DMI product UUID and serial both begin with "ec2" and match. */
function ec2Uuid(instanceId: string): string {
  const hex = createHash("sha256").update(instanceId).digest("hex");
  const u = `ec2${hex.slice(3, 32)}`;
  return `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20, 32)}`;
}

/**
 * KVM where the CPU offers virtualization (a workstation); else TCG. Not QEMU's own
 * fallback: /dev/kvm opens on these machines, but no guest runs on it.
 */
function accelerator(): string[] {
  const cpu = readFileSync("/proc/cpuinfo", "utf8");
  if (/^flags\s*:.*\b(vmx|svm)\b/m.test(cpu) && existsSync("/dev/kvm")) return ["-accel", "kvm"];
  // TCG's translation cache sized down: about 0.8 GB per VM instead of 1.5 (issue 13's probe).
  return ["-accel", "tcg,tb-size=256"];
}

/** Powers on a VM: a new overlay (a fresh instance) unless `keepDisk` (a reboot or a restart). */
export function startVm(spec: VmSpec, labDir: string, keepDisk = false): Vm {
  const image = imageDir(spec.release);
  if (!existsSync(join(image, ".complete"))) {
    throw new Error(
      `no Debian ${spec.release} VM image in ${image}: run scripts/vm-image.sh ${spec.release}`,
    );
  }
  const dir = join(labDir, "vms", spec.name);
  const vm: Vm = {
    spec,
    dir,
    agentSocket: join(dir, "agent.sock"),
    console: join(dir, "console.log"),
  };
  const overlay = join(dir, "disk.qcow2");
  if (!keepDisk || !existsSync(overlay)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    sh([
      "qemu-img",
      "create",
      "-q",
      "-f",
      "qcow2",
      "-F",
      "raw",
      "-b",
      join(image, "root.img"),
      overlay,
    ]);
  }
  const tap = tapOf(spec.name);
  inNs(SWITCH, ["ip", "tuntap", "add", "dev", tap, "mode", "tap"], { allowFailure: true });
  inNs(SWITCH, ["ip", "link", "set", tap, "master", "br0", "up"]);
  const uuid = ec2Uuid(spec.instanceId);
  inNs(SWITCH, [
    "qemu-system-x86_64",
    ...["-name", spec.name, "-machine", "q35", ...accelerator()],
    ...["-m", String(spec.memoryMb ?? 1024), "-smp", String(spec.cpus ?? 1)],
    ...[
      "-uuid",
      uuid,
      "-smbios",
      `type=1,manufacturer=Amazon EC2,product=${spec.instanceType},serial=${uuid}`,
    ],
    ...["-kernel", join(image, "vmlinuz"), "-initrd", join(image, "initrd.img")],
    ...["-append", "root=LABEL=lab-root rw console=ttyS0 quiet"],
    ...["-drive", `file=${overlay},if=virtio,format=qcow2,discard=unmap`],
    ...["-netdev", `tap,id=n0,ifname=${tap},script=no,downscript=no`],
    ...["-device", `virtio-net-pci,netdev=n0,mac=${spec.mac}`],
    ...["-chardev", `socket,path=${vm.agentSocket},server=on,wait=off,id=qga0`],
    ...[
      "-device",
      "virtio-serial",
      "-device",
      "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
    ],
    ...["-serial", `file:${vm.console}`, "-display", "none", "-monitor", "none"],
    ...["-daemonize", "-pidfile", join(dir, "qemu.pid")],
  ]);
  return vm;
}

/** Power off at once, like a stopped or failed instance; QEMU leaves the caller's process group, so by its pidfile. */
export function powerOff(vm: Vm): void {
  const pidfile = join(vm.dir, "qemu.pid");
  if (!existsSync(pidfile)) return;
  const pid = readFileSync(pidfile, "utf8").trim();
  sh(["kill", "-KILL", pid], { allowFailure: true });
  for (let i = 0; i < 50 && sh(["kill", "-0", pid], { allowFailure: true }).status === 0; i++) {
    sh(["sleep", "0.1"]);
  }
  rmSync(pidfile, { force: true });
}
