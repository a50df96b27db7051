#!/usr/bin/env python3
"""Regenerates src/Shared/Catalog/Data/* from the reference data set (../shared/data in the
MigrateHub workspace; pass another folder as the first argument). Standard library only.

    python3 scripts/catalog/build.py [/path/to/shared/data]

Every value is copied or derived from the inputs listed in src/Shared/Catalog/Data/SOURCES.md.
Nothing is invented: a value that the inputs do not hold is written as an empty field (unknown),
except max data disks / max NICs, which are filled from the documented per-vCPU rules of the
Azure size pages and flagged 'rule' in the *_source column.
"""
import csv, glob, gzip, io, json, os, re, statistics, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(ROOT), 'shared', 'data')
OUT = os.path.join(ROOT, 'src', 'Shared', 'Catalog', 'Data')
os.makedirs(OUT, exist_ok=True)


def fmt(v):
    if v is None or v == '':
        return ''
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float):
        s = ('%.6f' % v).rstrip('0').rstrip('.')
        return s if s else '0'
    return str(v)


def write_csv(name, header, rows, gz=False):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(header)
    for r in rows:
        w.writerow([fmt(x) for x in r])
    data = buf.getvalue().encode('utf-8')
    path = os.path.join(OUT, name)
    if gz:
        with open(path, 'wb') as f:
            # mtime=0 keeps the file byte-identical between runs
            with gzip.GzipFile(fileobj=f, mode='wb', mtime=0, filename='') as g:
                g.write(data)
    else:
        with open(path, 'wb') as f:
            f.write(data)
    print('wrote', path, len(rows), 'rows')


# ---------------------------------------------------------------- VM sizes
vantage = json.load(open(os.path.join(SRC, 'azure/vm-sizes/vantage-azure-instances.json')))
docs = {r['size']: r for r in csv.DictReader(open(os.path.join(SRC, 'azure/vm-sizes/azure_vm_sizes_from_docs_subset.csv')))}
sku_list = json.load(open(os.path.join(SRC, 'azure/vm-sizes/karpenter_resource_skus_subset.json')))
skus = {s['name']: s['capabilities'] for s in sku_list}

# Families the Resource SKUs data marks as retired before the price snapshot (2026-06-18) are dropped:
# they can no longer be deployed. (Standard_A0 carries RetirementDateUtc 09/03/2024 for the whole
# standardA0_A7Family, i.e. Standard_A0..A7.)
SNAPSHOT = (2026, 6, 18)
retired_families = set()
for s in sku_list:
    r = s['capabilities'].get('RetirementDateUtc')
    if r:
        m, d, y = (int(x) for x in r.split('/'))
        if (y, m, d) < SNAPSHOT:
            retired_families.add(s['family'])
FAMILY_MEMBERS = {'standardA0_A7Family': re.compile(r'^Standard_A[0-7]$')}


def series_of(v):
    m = re.match(r'Virtual Machines (.+?) Series', v.get('pretty_name') or '')
    if m:
        return m.group(1).replace(' ', '')
    return ''


def rule_disks(series, vcpu):
    # Documented on the Azure size pages (Dv3/Dsv3/Dv5/Dsv5/Ev5/Esv5 tables, see
    # azure_vm_sizes_from_docs_subset.csv): 2 data disks per vCPU, at most 32.
    # M-series pages: 1 per vCPU, at most 64.
    if series.upper().startswith('M'):
        return min(vcpu, 64)
    return max(2, min(2 * vcpu, 32))


def rule_nics(vcpu):
    # Same tables: <= 4 vCPUs -> 2 NICs, 8 -> 4, >= 16 -> 8.
    if vcpu <= 4:
        return 2
    if vcpu <= 8:
        return 4
    return 8


def as_bool(x):
    return str(x).strip().lower() == 'true'


sizes = {}
for v in vantage:
    name = v['instance_type']
    if not name.startswith('Standard_'):
        continue  # Basic_* tier sizes are retired
    if any(FAMILY_MEMBERS.get(f) and FAMILY_MEMBERS[f].match(name) for f in retired_families):
        continue
    try:
        vcpu = int(v.get('vcpus_available') or v.get('vcpu') or 0)
    except ValueError:
        vcpu = 0
    mem = float(v.get('memory') or 0)
    if vcpu <= 0 or mem <= 0:
        continue
    series = series_of(v)
    d, s = docs.get(name), skus.get(name)
    if d and d['max_data_disks']:
        disks, disks_src = int(d['max_data_disks']), 'doc'
    elif s and s.get('MaxDataDiskCount'):
        disks, disks_src = int(s['MaxDataDiskCount']), 'sku'
    else:
        disks, disks_src = rule_disks(series, vcpu), 'rule'
    if d and d['max_nics']:
        nics, nics_src = int(d['max_nics']), 'doc'
    elif s and s.get('MaxNetworkInterfaces'):
        nics, nics_src = int(s['MaxNetworkInterfaces']), 'sku'
    else:
        nics, nics_src = rule_nics(vcpu), 'rule'
    uncached_iops = v.get('uncached_disk') or None
    uncached_mbps = round(v['uncached_disk_io'] / 1048576.0) if v.get('uncached_disk_io') else None
    if d and d['max_uncached_disk_iops']:
        uncached_iops = int(d['max_uncached_disk_iops'])
        uncached_mbps = int(d['max_uncached_disk_mbps'])
    net = int(d['max_network_bandwidth_mbps']) if d and d['max_network_bandwidth_mbps'] else None
    arch = 'arm64' if 'Arm64' in (v.get('arch') or []) or 'arm64' in [a.lower() for a in (v.get('arch') or [])] else 'x64'
    gens = (v.get('hyperv_generations') or '').replace(' ', '').replace(',', ';')
    sizes[name] = [name, series, vcpu, mem, disks, disks_src, nics, nics_src,
                   as_bool(v.get('premium_io')), as_bool(v.get('accelerated_networking')),
                   as_bool(v.get('ultra_ssd')), gens, uncached_iops, uncached_mbps, net, arch,
                   int(v.get('GPU') or 0) > 0]

# ---------------------------------------------------------------- prices (USD per hour)
linux = {}  # (region, size) -> price
for r in csv.DictReader(open(os.path.join(SRC, 'azure/prices/azure_vm_linux_ondemand_usd_hourly_2026-06-18.csv'))):
    if r['armSkuName'] in sizes:
        linux[(r['armRegionName'], r['armSkuName'])] = float(r['retailPriceUSDPerHour_LinuxConsumption'])

extra = {}  # (region, size) -> dict of other price columns
for f in glob.glob(os.path.join(SRC, 'azure/prices/retail-api-eu/vm-*.json')):
    for it in json.load(open(f)).values():
        sku = it['skuName']
        if ' ' in sku or sku not in sizes or it['unitOfMeasure'] != '1 Hour':
            continue  # Spot / Low Priority meters
        key = (it['armRegionName'], sku)
        e = extra.setdefault(key, {})
        if it['productName'].endswith(' Windows'):
            e['windows_payg'] = it['retailPrice']
        else:
            e['linux_payg_eu'] = it['retailPrice']
            if it.get('savingsPlanPrice'):
                e['linux_sp1y'] = it['savingsPlanPrice']

rates = {}
for f in sorted(glob.glob(os.path.join(SRC, 'azure/prices/dsv5-esv5-by-region/prices_*.json'))):
    doc = json.load(open(f))
    region = doc['region']
    cur = doc['currencies']
    usd = cur['USD']['vm_prices']
    for size, p in usd.items():
        if size not in sizes:
            continue
        e = extra.setdefault((region, size), {})
        for k_src, k_dst in [('windows_payg', 'windows_payg'), ('linux_1yr', 'linux_ri1y'), ('linux_3yr', 'linux_ri3y'),
                             ('windows_1yr', 'windows_ri1y'), ('windows_3yr', 'windows_ri3y'), ('linux_payg', 'linux_payg_kt')]:
            if p.get(k_src) is not None and k_dst not in e:
                e[k_dst] = p[k_src]
    for code, block in cur.items():
        for size, p in block['vm_prices'].items():
            u = usd.get(size, {}).get('linux_payg')
            if u and p.get('linux_payg'):
                rates.setdefault(code, []).append(p['linux_payg'] / u)

price_rows = []
regions = sorted({k[0] for k in linux})
for (region, size), lp in sorted(linux.items()):
    e = extra.get((region, size), {})
    price_rows.append([region, size, lp, e.get('windows_payg'), e.get('linux_ri1y'), e.get('linux_ri3y'),
                       e.get('windows_ri1y'), e.get('windows_ri3y'), e.get('linux_sp1y')])

# sizes that no region offers are dropped (they cannot be recommended)
offered = {k[1] for k in linux}
size_rows = [sizes[n] for n in sorted(sizes) if n in offered]
write_csv('vm_sizes.csv', ['name', 'series', 'vcpus', 'memory_gib', 'max_data_disks', 'max_data_disks_source',
                           'max_nics', 'max_nics_source', 'premium_io', 'accelerated_networking', 'ultra_ssd',
                           'hyperv_generations', 'uncached_disk_iops', 'uncached_disk_mbps', 'network_mbps', 'arch', 'gpu'],
          size_rows)
write_csv('vm_prices_usd.csv.gz', ['region', 'size', 'linux_payg', 'windows_payg', 'linux_ri1y', 'linux_ri3y',
                                   'windows_ri1y', 'windows_ri3y', 'linux_sp1y'], price_rows, gz=True)

write_csv('currencies.csv', ['currency', 'per_usd', 'samples'],
          [[c, round(statistics.median(v), 6), len(v)] for c, v in sorted(rates.items())])

# ---------------------------------------------------------------- disks
tiers = []
for r in csv.DictReader(open(os.path.join(SRC, 'azure/disks/azure_managed_disk_tiers.csv'))):
    kind = {'P': 'Premium', 'E': 'StandardSSD', 'S': 'StandardHDD'}[r['tier'][0]]
    tiers.append([r['tier'], kind, int(r['disk_size_gib']), int(r['base_iops']), int(r['base_throughput_mbps'])])
write_csv('disk_tiers.csv', ['tier', 'type', 'size_gib', 'iops', 'mbps'], tiers)

tier_names = {t[0] for t in tiers}
disk_prices, unit_prices = {}, {}
for f in glob.glob(os.path.join(SRC, 'azure/prices/retail-api-eu/storage-*.json')):
    for it in json.load(open(f)).values():
        region, meter, product = it['armRegionName'], it['meterName'], it['productName']
        m = re.match(r'^([PES]\d+) LRS Disk$', meter)
        if m and m.group(1) in tier_names and it['unitOfMeasure'] == '1/Month' and product.endswith('Managed Disks'):
            disk_prices[(region, m.group(1))] = it['retailPrice']
            continue
        kind = {'Ultra Disks': 'Ultra', 'Azure Premium SSD v2': 'PremiumV2'}.get(product)
        if kind and it['skuName'] in ('Ultra LRS', 'Premium LRS'):
            col = {'Provisioned Capacity': 'per_gib_hour', 'Provisioned IOPS': 'per_iops_hour',
                   'Provisioned Throughput (MBps)': 'per_mbps_hour'}
            for suffix, c in col.items():
                if meter.endswith(suffix):
                    unit_prices.setdefault((region, kind), {})[c] = it['retailPrice']
write_csv('disk_prices_usd.csv', ['region', 'tier', 'monthly'],
          [[k[0], k[1], v] for k, v in sorted(disk_prices.items())])
write_csv('disk_unit_prices_usd.csv', ['region', 'type', 'per_gib_hour', 'per_iops_hour', 'per_mbps_hour'],
          [[k[0], k[1], v.get('per_gib_hour'), v.get('per_iops_hour'), v.get('per_mbps_hour')]
           for k, v in sorted(unit_prices.items())])
print('regions with VM prices:', len(regions))
