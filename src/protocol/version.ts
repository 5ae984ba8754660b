/**
 * The wire contract's version. `version.test.ts` hashes every schema and constant in this folder:
 * a change to them fails that test until the version is bumped and its hash recorded here.
 *
 * 1: labels, events, folders, query, views, presence, health, errors.
 * 2: the whole contract: write results, batch and metrics answers, 409 bodies, history, metadata,
 *    export rows, refresh, presence leave, batch and metrics requests, the endpoint table; error
 *    codes as an enum; the shared PATCH rules' limits.
 * 3: error codes `misdirected_request` (421, an unknown Host) and `cross_site_refused` (403).
 * 4: the `indexing` error code (503 while the index cannot answer yet); `indexing` progress on
 *    folder and query listings made while indexing (partial).
 * 5: bounds on presence and progress ids (gallery_id ≤ 2048, client_id ≤ 200); the presence
 *    `token` (heartbeat and leave); metadata `truncated` (answer and chunk).
 * 6: accounts (issue 10): auth.ts (access modes, roles, sign-in, setup, invite, users, tokens, audit);
 *    error codes unauthenticated, forbidden, invalid_credentials, invalid_link, already_exists, last_admin;
 *    the /auth and /admin endpoints in the endpoint table (which gains DELETE);
 *    smart folders' `owner` and `shared`; presence names (heartbeat `name`, counts' `users`).
 * 7: living datasets (issue 16): events `item-moved`, `items-added`, `items-removed`, `item-changed`;
 *    history entries of type `item-moved` with `changes.moved`; export rows' `missing: true`.
 * 8: PostgreSQL (issue 11): the `store_unavailable` error code (503 with Retry-After: the store is
 *    down); `/health` `labels.connection` (`connected` | `unavailable`).
 * 9: pick / reject flags (issue 12): `flag` on items, sidecars, events, export rows (JSON and
 *    the CSV column after `star`); `set_flag` in PATCH bodies and batch entries; an optional `flag`
 *    in PUT bodies (absent keeps it); history `changes.flag`; the `/query` `flags` filter.
 * 10: history entries' `labels` (the labels at that version, for "Restore this version").
 * 11: team progress (issue 14): progress.ts (settings, stats, assignments, my work, the stats CSV
 *    columns), events `settings-updated` and `assignments-updated`, export rows' `assignee`,
 *    presence heartbeat `item` and users' `item` (soft claims).
 * 12: near-duplicates (issue 13): `POST /duplicates` (duplicates.ts), the `embedding_unknown` error
 *    code, `/health` `phash` progress.
 * 13: comparison export (issue 12): the `POST /export/comparison` body (comparison.ts) and its
 *    limits; error codes `too_many_paths` (400) and `too_large` (413).
 * 14: embeddings (issue 13): `GET /embeddings`, `PUT /embeddings`, `POST /similar` (embeddings.ts);
 *    `/health` `embeddings`; smart folders' `similar` (a "Find similar" view).
 * 15: the activity feed's pages (issue 14): `GET /activity` (progress.ts `activityResponseSchema`,
 *    `MAX_ACTIVITY_LIMIT`).
 * 16: screen-sized renditions (issue 12): `GET /preview` and its edges and width limit (media.ts).
 * 17: duplicates by cosine (issue 13): `DEFAULT_MIN_SCORE`, the answer's `min_score`.
 */
export const PROTOCOL_VERSION = 17;

/** The schema hash of each version, oldest first (append only). */
export const PROTOCOL_HASHES: Record<number, string> = {
  1: '592a1cd6753dd45cc19ce675c69cc22952e980de802e807fb2fb4ab3809b0dad',
  2: 'a6f352ce9938eadcf6fd4ad9d540bbe1dff52864a091f051a12b365dda8a35e0',
  3: '154f9e201fe03faa3eec32da7e59b01d4ebfa74ef778a28f0037d2920d352247',
  4: '9842dbf3f9171f4a6fe61cde6eb8950752268c595661c1991b619c19241231f5',
  5: 'bec8caeea9f51ab0ab2f259e8db93f0d91ca7881111c0d2effb0f42beee3284a',
  6: 'c18b1152bed12b67e02a44dc8f61352d84c1dfe163c48ee400e093d768f7b91a',
  7: '3a4e5fe76df2d303570abbef818c3ca0902631a87b48fc811c22a7e82b673c87',
  8: '609528fcae0e09377e29887b7e1a92020869dc5be036a38fac9490fcc12153bf',
  9: '50d6bf8ae3874eaaa181797ffded5a73f81b36c12e939b3be24f28a4a1d989ad',
  10: '73cdd4b0085c3e48754ea6a3838da471df85a0f6cf992a48ce73fa69aab90676',
  11: 'dc854dd7d302dbb036e1692690727f6f0d5946d84b3db388c3770cc4ff527e08',
  12: '8a984479114e208b07eaf9a63d80d778e64bd18da268795afa41837c047c652b',
  13: '2479b847c3674fa72e8395a11b12997ff3887013de46ca9f12795fb2ce5f272b',
  14: '51f39c7d456a0aafdeb57190e19ba91e0c9307afe937b03a61060a1058060c95',
  15: 'c7b7f6924ae0b63929b5262e65ad7fe8dd8c01c0929f9bc8a87b130106128326',
  16: '298f85e21600307521af009a7c6193302bfdb3d742e5af4b717c26c479747a18',
  17: '759026ba10d863febf4a79467689d81690a69c54608bc4d628af37cfc9a61391',
};
