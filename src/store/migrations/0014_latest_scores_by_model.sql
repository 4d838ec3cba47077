-- Live scoring ranks each score it writes among the latest scores of the same
-- model (ScoreStore::rank_among_latest: how many are higher). Without this
-- index that count read every latest_scores row of the kind, on the path
-- from an event to its score frame; with it, a range of one index.
CREATE INDEX latest_scores_model_score ON latest_scores (entity, model_id, score);
