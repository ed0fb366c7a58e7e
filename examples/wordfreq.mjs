// A small text-processing job to profile: `node dist/cli.js examples/wordfreq.mjs`.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

function makeCorpus(repeats) {
  const base = "The quick brown fox jumps over the lazy dog while <b>profilers</b> watch & count. ";
  return base.repeat(repeats);
}

function tokenize(text) {
  return text.toLowerCase().match(/\w+/g);
}

function countWords(tokens) {
  const counts = new Map();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

function topWords(counts, n) {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function checksum(text) {
  let digest = "";
  for (let i = 0; i < 8; i++) digest = createHash("sha256").update(digest).update(text).digest("hex");
  return digest;
}

function compress(text) {
  return gzipSync(text, { level: 9 }).length;
}

function pipeline() {
  const text = makeCorpus(40000);
  const counts = countWords(tokenize(text));
  escapeHtml(text);
  checksum(text);
  return { top: topWords(counts, 3), compressed: compress(text) };
}

for (let round = 0; round < 3; round++) {
  const result = pipeline();
  if (round === 2) console.log("top words:", result.top.map(([word]) => word).join(", "));
}
