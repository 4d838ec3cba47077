-- The bandit's posteriors remember the design they were learned in: the names
-- of the design vector's entries, in order, as a JSON array of strings
-- (decide::LeadFeatureSpec::design_names()). A posterior whose names differ
-- from the deployment's features is never applied to them (the bandit starts
-- from its prior again); '[]' marks one stored before the names were kept.
ALTER TABLE bandit_posteriors ADD COLUMN features TEXT NOT NULL DEFAULT '[]';
