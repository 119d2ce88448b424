/**
 * Builds exchange-lb-cdktn, the CDK Terrain package, from the compiled
 * exchange-lb-cdktf tree (dist/, `npm run build`): the same files, with each
 * module specifier of cdktf and @cdktf/provider-aws pointed at cdktn and
 * @cdktn/provider-aws (only lib/framework.ts names them), and a package.json
 * whose peer dependencies are the fork's (scripts/cdktn-target.json).
 *
 *   npm run build:cdktn [-- <outdir>]   # default build/cdktn; then: npm pack build/cdktn
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface CdktnTarget {
  readonly name: string;
  /** cdktf module -> its CDK Terrain counterpart; a deep path keeps its tail. */
  readonly modules: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
}

export const TARGET: CdktnTarget = JSON.parse(
  readFileSync(join(__dirname, "cdktn-target.json"), "utf8"),
);

// `require("x")`, `import("x")` and `from "x"`: what tsc emits in .js and .d.ts files.
const SPECIFIER = /(\brequire\(|\bimport\(|\bfrom )(["'])([^"'\n]+)\2/g;

/** The module a specifier names under CDK Terrain; one of cdktf's packages with no counterpart is refused. */
export function retargetSpecifier(specifier: string, modules = TARGET.modules): string {
  for (const [from, to] of Object.entries(modules)) {
    if (specifier === from || specifier.startsWith(`${from}/`)) {
      return to + specifier.slice(from.length);
    }
  }
  if (/^(cdktf(\/|$)|@cdktf\/)/.test(specifier)) {
    throw new Error(
      `"${specifier}" has no CDK Terrain counterpart: name one in scripts/cdktn-target.json ("modules")`,
    );
  }
  return specifier;
}

/** A compiled .js or .d.ts file with its module specifiers retargeted; everything else unchanged. */
export function retargetFile(text: string, file: string, modules = TARGET.modules): string {
  return text.replace(SPECIFIER, (_match, head: string, quote: string, specifier: string) => {
    try {
      return `${head}${quote}${retargetSpecifier(specifier, modules)}${quote}`;
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  });
}

type PackageJson = Record<string, unknown>;

/** exchange-lb-cdktn's package.json: the library's own, with the fork's name and peers. */
export function cdktnPackageJson(root: PackageJson, target: CdktnTarget = TARGET): PackageJson {
  const { version, description, license, main, bin, types, files, engines } = root;
  return {
    name: target.name,
    version,
    description: String(description).replace("CDK for Terraform", "CDK Terrain (cdktn)"),
    license,
    main,
    bin,
    types,
    files,
    engines,
    peerDependencies: target.peerDependencies,
  };
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function filesUnder(dir: string, top = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path, top) : [relative(top, path)];
    })
    .sort();
}

/**
 * Writes the package directory `out` from the compiled tree in `repo`/dist
 * and returns the files whose text the retargeting changed.
 */
export function buildCdktnPackage(repo: string, out: string): string[] {
  const lib = join(repo, "dist", "lib");
  if (!existsSync(join(lib, "index.js"))) {
    throw new Error(`${lib}: no compiled library; run \`npm run build\` first`);
  }
  rmSync(out, { recursive: true, force: true });
  const changed: string[] = [];
  for (const file of filesUnder(lib)) {
    const to = join(out, "dist", "lib", file);
    mkdirSync(dirname(to), { recursive: true });
    if (!/\.(js|d\.ts)$/.test(file)) {
      copyFileSync(join(lib, file), to); // the instance's programs, modes kept
      continue;
    }
    const text = readFileSync(join(lib, file), "utf8");
    const retargeted = retargetFile(text, `dist/lib/${file}`);
    if (retargeted !== text) changed.push(`dist/lib/${file}`);
    writeFileSync(to, retargeted);
  }
  for (const doc of ["README.md", "CHANGELOG.md"]) copyFileSync(join(repo, doc), join(out, doc));
  const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  writeFileSync(join(out, "package.json"), `${JSON.stringify(cdktnPackageJson(root), null, 2)}\n`);
  return changed;
}

if (require.main === module) {
  const repo = join(__dirname, "..");
  const out = resolve(process.argv[2] ?? join(repo, "build", "cdktn"));
  const changed = buildCdktnPackage(repo, out);
  console.log(`${TARGET.name} in ${out}; retargeted to CDK Terrain: ${changed.join(", ")}`);
}
