import { classifyMigration } from './classify';
import { loadParser, parseStatements } from './sql';

const at = { name: '20260101000000_change', file: 'prisma/migrations/20260101000000_change/migration.sql' };
const rulesOf = (sql: string) => classifyMigration(at, parseStatements(sql)).map((f) => f.rule);

beforeAll(loadParser);

describe('classifyMigration', () => {
  it.each([
    ['DROP TABLE "Post";', ['ban-drop-table']],
    ['ALTER TABLE "User" DROP COLUMN "name";', ['ban-drop-column']],
    ['DROP DATABASE app;', ['ban-drop-database']],
    ['DROP SCHEMA old CASCADE;', ['ban-drop-schema']],
    ['TRUNCATE "Post";', ['ban-truncate']],
    // How Prisma writes a renamed field: one ALTER, or two statements; the NOT NULL add is a finding of its own.
    ['ALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN "fullName" TEXT NOT NULL;', ['prisma-rename', 'adding-required-field']],
    ['ALTER TABLE "User" ADD COLUMN "fullName" TEXT;\nALTER TABLE "User" DROP COLUMN "name";', ['prisma-rename']],
    ['ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";', ['renaming-column']],
    ['ALTER TABLE "User" RENAME TO "Account";', ['renaming-table']],
    ['ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL;', ['adding-required-field']],
    ['ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 0;', []],
    ['ALTER TABLE "User" ADD COLUMN "bio" TEXT;', []],
    ['ALTER TABLE "User" ALTER COLUMN "bio" SET NOT NULL;', ['adding-not-nullable-field']],
    ['ALTER TABLE "User" ALTER COLUMN "bio" DROP DEFAULT;', ['dropping-default']],
    ['ALTER TABLE "User" ALTER COLUMN "bio" SET DEFAULT \'\';', []],
    ['DROP TYPE "Role_old";', ['drop-type']],
    ["ALTER TYPE \"Role\" RENAME VALUE 'ADMIN' TO 'OWNER';", ['renaming-enum-value']],
    ['ALTER TYPE "Role" ADD VALUE \'GUEST\';', []],
    [
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");',
      ['new-constraint', 'adding-foreign-key-constraint'],
    ],
    ['ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id") NOT VALID;', ['new-constraint']],
    ['ALTER TABLE "Post" ADD CONSTRAINT "c" CHECK ("n" > 0);', ['new-constraint', 'constraint-missing-not-valid']],
    ['ALTER TABLE "Post" ADD CONSTRAINT "c" CHECK ("n" > 0) NOT VALID;', ['new-constraint']],
    ['ALTER TABLE "Post" VALIDATE CONSTRAINT "c";', []],
    ['ALTER TABLE "Post" ADD CONSTRAINT "u" UNIQUE ("slug");', ['new-constraint', 'disallowed-unique-constraint']],
    ['ALTER TABLE "Post" ADD CONSTRAINT "u" UNIQUE USING INDEX "u_idx";', ['new-constraint']],
    ['CREATE INDEX "Post_slug_idx" ON "Post"("slug");', ['require-concurrent-index-creation']],
    ['CREATE INDEX CONCURRENTLY "Post_slug_idx" ON "Post"("slug");', []],
    ['CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");', ['new-constraint', 'require-concurrent-index-creation']],
    ['DROP INDEX "Post_slug_idx";', ['require-concurrent-index-deletion']],
    ['DROP INDEX CONCURRENTLY "Post_slug_idx";', []],
    ['ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;', ['changing-column-type']],
    ['ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE INTEGER USING ("views"::integer);', ['lossy-type-change']],
    ['ALTER TABLE "Post" ADD COLUMN "uid" UUID DEFAULT gen_random_uuid();', ['adding-field-with-default']],
    ['ALTER TABLE "Post" ADD COLUMN "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;', []],
    ['VACUUM FULL "Post";', ['vacuum-full']],
    ['VACUUM "Post";', []],
    ['CLUSTER "Post" USING "Post_pkey";', ['cluster']],
    ['REINDEX TABLE "Post";', ['require-concurrent-reindex']],
    ['REINDEX TABLE CONCURRENTLY "Post";', []],
    // A constraint only on columns this migration adds: the old code never writes them.
    [
      'ALTER TABLE "Post" ADD COLUMN "editorId" INTEGER;\nALTER TABLE "Post" ADD CONSTRAINT "e" FOREIGN KEY ("editorId") REFERENCES "User"("id");',
      ['adding-foreign-key-constraint'],
    ],
    [
      'ALTER TABLE "Post" ADD COLUMN "slug" TEXT;\nCREATE UNIQUE INDEX "s" ON "Post"("slug");',
      ['require-concurrent-index-creation'],
    ],
    // A table created in the same migration has no rows and no old code using it.
    [
      'CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "postId" INTEGER NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));\n' +
        'CREATE UNIQUE INDEX "Tag_postId_key" ON "Tag"("postId");\n' +
        'ALTER TABLE "Tag" ADD CONSTRAINT "Tag_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
      [],
    ],
    ['CREATE TABLE "Tag" ("id" TEXT NOT NULL);\nINSERT INTO "Tag" VALUES (\'a\');\nUPDATE "Post" SET "n" = 1;', []],
  ])('%s', (sql, rules) => expect(rulesOf(sql)).toEqual(rules));

  it('gives each finding its file and the line of its statement, kinds and the safe way', () => {
    const sql =
      '-- Prisma\n\n-- AlterTable\nALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN "fullName" TEXT;\n\nCREATE INDEX "i" ON "User"("fullName");\n';
    const findings = classifyMigration(at, parseStatements(sql));
    expect(findings.map((f) => [f.rule, f.line, f.file, f.migration, f.kinds])).toEqual([
      ['prisma-rename', 4, at.file, at.name, ['destructive', 'breaking']],
      ['require-concurrent-index-creation', 7, at.file, at.name, ['blocking']],
    ]);
    expect(findings[0].message).toMatch(/drops "name" and adds "fullName" on "User"/);
    expect(findings[0].safe).toMatch(/@map\("old_name"\)/);
    expect(findings[1].safe).toMatch(/CONCURRENTLY/);
  });
});

describe('parseStatements', () => {
  it('counts lines past multi-byte characters and reads runway-ignore comments of the next statement only', () => {
    const sql =
      '-- café\n/* note */\n-- runway-ignore ban-drop-column the contract step of 20260101_expand\nALTER TABLE "é" DROP COLUMN "x";\n-- runway-ignore ban-drop-table\nDROP TABLE "t";\nDROP TABLE "u";';
    const statements = parseStatements(sql);
    expect(statements.map((s) => [s.type, s.line, s.ignores])).toEqual([
      ['AlterTableStmt', 4, [{ rule: 'ban-drop-column', reason: 'the contract step of 20260101_expand', line: 3 }]],
      ['DropStmt', 6, [{ rule: 'ban-drop-table', reason: '', line: 5 }]],
      ['DropStmt', 7, []],
    ]);
    expect(statements[0].text).toBe('ALTER TABLE "é" DROP COLUMN "x"');
  });

  it('names the line PostgreSQL fails to parse', () => {
    expect(() => parseStatements('SELECT 1;\n\nALTER TABLE "x" DROP;')).toThrow(/^line 3: syntax error/);
  });
});
