"""The event log's insert, alone, through Python's sqlite3 module (the system
libsqlite3): 400,000 rows into the events table with its unique index
(entity_part, ts_us, event_key), 8,000 rows per transaction, WAL,
synchronous=FULL, a 64 MiB cache, as the event log's writer does. Prints the
CPU and wall time per row for each page size and statement shape asked for.
Not a test; run by hand (bench/README.md, "Page size and a cheaper load
generator"):
    python3 bench/event_insert_micro.py 4096,16384 0,1   # page sizes, multi-row (0/1)
"""
import os, random, sqlite3, sys, tempfile, time
def run(page, multi, n=400000, per=8000, chunk=100):
    path=os.path.join(tempfile.gettempdir(), 'event_insert_micro.db')
    for s in ('','-wal','-shm'):
        try: os.remove(path+s)
        except FileNotFoundError: pass
    c=sqlite3.connect(path, isolation_level=None)
    c.execute(f'PRAGMA page_size={page}')
    c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=FULL')
    c.execute('PRAGMA cache_size=-65536')
    c.execute('CREATE TABLE events(seq INTEGER PRIMARY KEY, event_key INTEGER NOT NULL, entity TEXT NOT NULL, type TEXT NOT NULL, ts_us INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, attrs TEXT NOT NULL, received_us INTEGER NOT NULL, too_late INTEGER NOT NULL DEFAULT 0, entity_part INTEGER NOT NULL)')
    c.execute('CREATE UNIQUE INDEX ix ON events(entity_part, ts_us, event_key)')
    rnd=random.Random(1)
    types=['page_view','email_open','purchase']
    rows=[]
    base=1_790_000_000_000_000
    for i in range(n):
        e=rnd.randrange(1000)+1
        rows.append((rnd.getrandbits(63), f'lead:{e}', types[i%3], base+(i//20000)*1_000_000, float(i%50), '', base+i, 0, hash(e)%64))
    one='INSERT INTO events(event_key,entity,type,ts_us,value,attrs,received_us,too_late,entity_part) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING'
    many='INSERT INTO events(event_key,entity,type,ts_us,value,attrs,received_us,too_late,entity_part) VALUES '+','.join(['(?,?,?,?,?,?,?,?,?)']*chunk)+' ON CONFLICT DO NOTHING'
    flats=[[x for r in rows[k:k+chunk] for x in r] for k in range(0,n,chunk)] if multi else None
    t0=time.process_time(); w0=time.time()
    for b in range(0,n,per):
        c.execute('BEGIN IMMEDIATE')
        grp=rows[b:b+per]
        if multi:
            for k in range(b//chunk,(b+per)//chunk):
                c.execute(many, flats[k])
        else:
            c.executemany(one, grp)
        c.execute('COMMIT')
    t=time.process_time()-t0; w=time.time()-w0
    c.close()
    return t, w
for page in [int(x) for x in sys.argv[1].split(',')]:
    for multi in [int(x) for x in sys.argv[2].split(',')]:
        t,w=run(page,multi)
        print(f'page {page} multi {multi}: cpu {t:.2f}s wall {w:.2f}s  {t/400000*1e6:.2f} us/row', flush=True)
