"""The claims engine: what each number and phrase of a narrative says about the tables.

One package, used by the checker's narrative rules, the drafter's recheck and the review:

- ``text``: sentences and clauses (the one splitter);
- ``numbers``: numbers in every written form (223, ２２３, 三十一, 两, 1.2万, 百分之六十七, 5个百分点);
- ``counts``: the table figure a count quotes (a cell, a sum of cells), at which scope;
- ``shares``: percentages of 办结 and their rounding;
- ``changes``: changes against last year (同比, 较上年, 增幅, 持平, 百分点), read and written;
- ``against``: the words that compare with last year;
- ``phrases``: all-claims (均获维持, 均已办结, 全部按时答复, 办结率100%, 无一 …) against pending or carried-over cases;
- ``lists``: result categories listed in a sentence against the 办结 total;
- ``ties``: every tie of a sentence in one list, for the drafter.
"""
